/**
 * The order in which a workflow learns of the completions of its operations (rule 12: any interleaving replays).
 *
 * Resonate numbers a workflow's operations in the order they are issued, and on replay recorded operations answer at
 * once: left alone, concurrent branches would issue their later operations in another order than the first time. So
 * every completion carries a *stamp* (recorded with the operation, or, for a wait settled by someone else, in an
 * acknowledgement written when the workflow learned of it), and the workflow is told of completions one at a time,
 * in stamp order, each after it has reacted to the previous one (no microtask left: the next macrotask). A replay
 * thus repeats the recorded interleaving, and a live pass continues it. A completion needs no stamp when it is the
 * only operation in flight (the order cannot differ then).
 *
 * The scheduler also knows when the workflow is blocked: every operation in flight waits on a promise that someone
 * else settles (no step runs, nothing is being recorded). The pass is then suspended on those promises (see
 * `engine-context.ts`): whichever settles first resumes the execution, which makes `Promise.race` work.
 */

/** What an operation delivers: a value or an error. */
export type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** Where an operation is between its issue and its delivery. */
type State =
  /** Being issued, replayed or recorded: its next state comes soon. */
  | 'transient'
  /** A step's attempts run in this worker. */
  | 'running'
  /** Waits for a promise that someone else settles. */
  | 'waiting'
  /** Completed: to be delivered. */
  | 'ready';

let lastStamp = 0;

/** Microtasks a continuation may take to issue its next operations (what the SDK's own drain allows). */
const DRAIN_YIELDS = 16;

/** A new stamp: later than every stamp this process made or read (microseconds of the wall clock, made unique). */
export function newStamp(): number {
  lastStamp = Math.max(Date.now() * 1000, lastStamp + 1);
  return lastStamp;
}

/** A stamp read from a record: later stamps of this process come after it. */
export function noteStamp(stamp: number): void {
  if (stamp > lastStamp) lastStamp = stamp;
}

export class Ticket {
  state: State = 'transient';
  stamp: number | undefined;
  outcome: Outcome | undefined;
  /** The promise waited on (state `waiting`). */
  waiterId: string | undefined;
  /** Writes the acknowledgement of an unstamped completion; returns its stamp. */
  ack: (() => Promise<number>) | undefined;
  /** Stops watching the waiter. */
  unwatch: (() => void) | undefined;
  readonly promise: Promise<unknown>;
  resolve!: (value: unknown) => void;
  reject!: (error: unknown) => void;

  constructor(
    private readonly scheduler: Scheduler,
    readonly index: number,
  ) {
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** A step's attempts start in this worker. */
  running(): void {
    this.#set('running');
  }

  /** Being recorded again (a live leaf returned, an acknowledgement is written). */
  transient(): void {
    this.#set('transient');
  }

  /** Waits on `waiterId`, which someone else settles. */
  waiting(waiterId: string, unwatch: () => void): void {
    this.waiterId = waiterId;
    this.unwatch = unwatch;
    this.#set('waiting');
  }

  /** Completed with `outcome`; `stamp` when recorded, else `ack` writes one if the order matters. */
  ready(outcome: Outcome, stamp: number | undefined, ack?: () => Promise<number>): void {
    if (this.state === 'ready' || this.scheduler.done) return;
    if (stamp !== undefined) noteStamp(stamp);
    this.unwatch?.();
    this.unwatch = undefined;
    this.outcome = outcome;
    this.stamp = stamp;
    this.ack = ack;
    this.#set('ready');
  }

  /** Fails at once (a divergence, a store failure): the pass ends with it, the order no longer matters. */
  fail(error: unknown): void {
    this.scheduler.remove(this);
    this.reject(error);
  }

  #set(state: State): void {
    this.state = state;
    // Only a completion, a wait, or a step that starts beside other operations can let the scheduler act.
    if (state === 'ready' || state === 'waiting' || (state === 'running' && this.scheduler.size > 1)) {
      this.scheduler.changed();
    }
  }
}

export class Scheduler {
  readonly #pending = new Set<Ticket>();
  /** Stamps after this one were made in this pass (live completions); earlier ones are replayed. */
  readonly #passStart = newStamp();
  #issued = 0;
  #scheduled = false;
  /** The pass ended (the workflow returned, or the pass was suspended): nothing is delivered any more. */
  done = false;

  /**
   * @param suspend called when the workflow is blocked on these promises alone
   * @param closed whether the runtime was closed: a closed worker (a crashed one) tells the workflow nothing more
   */
  constructor(
    private readonly suspend: (waiterIds: string[]) => void,
    private readonly closed: () => boolean,
  ) {}

  /** An operation issued now (synchronously, in the workflow's order). */
  issue(): Ticket {
    const ticket = new Ticket(this, this.#issued++);
    this.#pending.add(ticket);
    return ticket;
  }

  /** How many operations are in flight. */
  get size(): number {
    return this.#pending.size;
  }

  remove(ticket: Ticket): void {
    ticket.unwatch?.();
    if (this.#pending.delete(ticket) && this.#pending.size > 0) this.changed();
  }

  /** Ends the pass: stops every watch; returns the operations still in flight. */
  stop(): Ticket[] {
    this.done = true;
    const left = [...this.#pending];
    for (const ticket of left) ticket.unwatch?.();
    this.#pending.clear();
    return left;
  }

  changed(): void {
    if (this.#scheduled || this.done) return;
    this.#scheduled = true;
    if (this.#soleLiveCompletion()) {
      this.#drain(DRAIN_YIELDS);
      return;
    }
    // The next macrotask: the workflow has run every continuation of the previous delivery by then.
    setImmediate(this.#run);
  }

  /**
   * The only operation in flight completed in this pass (the sequential case, the hot path): it is delivered once
   * the workflow's continuations have had {@link DRAIN_YIELDS} microtasks to issue what they issue (a completion in
   * this pass comes after the step ran, so they have had far more), without waiting for the next macrotask.
   */
  #soleLiveCompletion(): boolean {
    if (this.#pending.size !== 1) return false;
    const [ticket] = this.#pending as unknown as [Ticket];
    return ticket.state === 'ready' && ticket.stamp !== undefined && ticket.stamp > this.#passStart;
  }

  /** Runs after `yields` more generations of microtasks (plain microtasks: no promise per generation). */
  #drain(yields: number): void {
    if (yields > 0) {
      queueMicrotask(() => this.#drain(yields - 1));
      return;
    }
    if (this.#soleLiveCompletion()) this.#run();
    // Something else was issued meanwhile: the full rule.
    else setImmediate(this.#run);
  }

  readonly #run = (): void => {
    this.#scheduled = false;
    if (this.done) return;
    if (this.closed()) {
      this.stop();
      return;
    }
    let next: Ticket | undefined;
    let unstamped: Ticket | undefined;
    let waiting = 0;
    for (const ticket of this.#pending) {
      switch (ticket.state) {
        case 'transient':
          return;
        case 'waiting':
          waiting++;
          break;
        case 'ready':
          if (ticket.stamp === undefined) {
            if (!unstamped || ticket.index < unstamped.index) unstamped = ticket;
          } else if (!next || (next.stamp as number) > ticket.stamp) {
            next = ticket;
          }
          break;
        case 'running':
          break;
      }
    }
    if (unstamped) {
      if (this.#pending.size > 1 && unstamped.ack) {
        // The order matters: record it (or read the record of an earlier pass) before anything is delivered.
        const ticket = unstamped;
        const ack = ticket.ack as () => Promise<number>;
        ticket.ack = undefined;
        ticket.transient();
        ack().then(
          (stamp) => {
            noteStamp(stamp);
            ticket.stamp = stamp;
            ticket.state = 'ready';
            this.changed();
          },
          (error: unknown) => ticket.fail(error),
        );
        return;
      }
      if (!next) next = unstamped;
    }
    if (next) {
      this.#pending.delete(next);
      const outcome = next.outcome as Outcome;
      if (outcome.ok) next.resolve(outcome.value);
      else next.reject(outcome.error);
      if (this.#pending.size > 0) this.changed();
      return;
    }
    if (waiting > 0 && waiting === this.#pending.size) {
      this.done = true;
      const ids = [...this.#pending].map((ticket) => ticket.waiterId as string);
      for (const ticket of this.#pending) ticket.unwatch?.();
      this.suspend([...new Set(ids)]);
    }
  };
}
