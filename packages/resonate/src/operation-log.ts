import { NonDeterminismError } from '@durable-runtime/core';
import type { Context, DurablePromise, Info } from '@resonatehq/sdk/async';
import { promiseIds } from './ids.js';
import type { LeafOptions, ResonateOptions } from './leaf-options.js';

/** The name of the end of an execution in divergence messages (and of its record, in earlier versions). */
const END = 'end';

/** The body of a recorded operation: runs in the worker (a Resonate leaf function, `ctx.run`). */
export type Leaf<T> = (info: Info) => Promise<T> | T;

/** An operation's recorded result carries the operation's name: the adapter's operation log. */
export interface Recorded {
  readonly op: string;
}

/**
 * How a replay matches a record to the operation it runs now, when more than the name decides (steps: see
 * `steps.ts`); `label` names the operation in divergence messages.
 */
export interface Matcher {
  readonly label: string;
  matches(found: Recorded): boolean;
}

/**
 * The operation log of one pass of a workflow over the SDK's async context.
 *
 * Every operation of the SPI is one `ctx.run` leaf at the next position of the execution (Resonate ids are
 * positional: `<id>:<position>`), whose recorded result carries the operation's name. A replay that finds another
 * operation's record at a position took a different path: the log fails it with core's `NonDeterminismError`
 * (the SDK itself would return the other operation's result). A wait is a leaf followed by a waiter promise at the
 * very next position; the leaf publishes the waiter's id (for deliveries and cancellation), so the two positions are
 * reserved together: operations issued meanwhile by concurrent branches queue behind them.
 */
export class OperationLog {
  /** The first divergence found: the execution fails with it, whatever the workflow catches. */
  divergence: NonDeterminismError | undefined;
  /**
   * The first infrastructure failure of an operation (its promise could not be created or settled): the SDK aborts
   * such a pass and runs it again later, so nothing the workflow did after it may be published.
   */
  aborted: Error | undefined;
  #next = 0;
  #busy = false;
  readonly #queue: Array<() => void> = [];

  constructor(
    private readonly ctx: Context,
    readonly executionId: string,
    private readonly options: LeafOptions,
  ) {}

  /** Runs (or replays) one operation; returns its recorded result. A recorded failure is thrown as recorded. */
  async record<T extends object>(
    op: string,
    leaf: Leaf<T>,
    options: ResonateOptions = this.options.bookkeeping,
    matcher?: Matcher,
  ): Promise<T & Recorded> {
    const gate = this.#enter();
    if (gate) await gate;
    let issued: Issued;
    try {
      issued = this.#issue(op, leaf, options);
    } finally {
      this.#leave();
    }
    return this.#recorded<T>(op, issued, matcher);
  }

  /**
   * Runs (or replays) a wait: the leaf gets the id its waiter will have; `startWaiter` creates the waiter from the
   * leaf's result, or returns `undefined` when there is nothing to wait for.
   */
  async wait<T extends object>(
    op: string,
    leaf: (waitId: string, info: Info) => Promise<T>,
    startWaiter: (recorded: T & Recorded) => DurablePromise<unknown> | undefined,
  ): Promise<{ recorded: T & Recorded; waiter?: Waiter }> {
    const gate = this.#enter();
    if (gate) await gate;
    try {
      // The leaf takes the next position, its waiter the one after.
      const waitId = promiseIds.position(this.executionId, this.#next + 1);
      const recorded = await this.#recorded<T>(
        op,
        this.#issue(op, (info) => leaf(waitId, info), this.options.bookkeeping),
      );
      const promise = startWaiter(recorded);
      return promise ? { recorded, waiter: this.#place(op, promise) } : { recorded };
    } finally {
      this.#leave();
    }
  }

  /**
   * A wait with nothing to record before it (a sleep in local mode): the waiter alone takes the next position. A replay
   * that finds another operation there fails when the waiter's value is checked.
   */
  async waiter(op: string, startWaiter: () => DurablePromise<unknown>): Promise<Waiter> {
    const gate = this.#enter();
    if (gate) await gate;
    try {
      if (this.divergence) throw this.divergence;
      return this.#place(op, startWaiter());
    } finally {
      this.#leave();
    }
  }

  /**
   * The end of a pass that ends the execution: fails with a divergence when a previous pass recorded an operation at
   * the next position (a replay that stops short of the recorded operations). Only reads: `read` gets the promise at a
   * position. An `end` record there matches: earlier versions of the adapter recorded the end as an operation.
   */
  async end(read: (id: string) => Promise<{ state: string; value: unknown } | undefined>): Promise<void> {
    const gate = this.#enter();
    if (gate) await gate;
    try {
      if (this.divergence) throw this.divergence;
      const position = this.#next;
      const found = await read(promiseIds.position(this.executionId, position));
      if (!found) return;
      const value = found.state === 'pending' ? undefined : found.value;
      if (isRecorded(value) && value.op === END) return;
      throw this.diverge(END, position, value);
    } finally {
      this.#leave();
    }
  }

  /** Records an infrastructure failure of an operation, and returns it to throw. */
  abort(error: Error): Error {
    this.aborted ??= error;
    return error;
  }

  /** Records (once) that the execution found a divergence, and returns the error to throw. */
  diverge(op: string, position: number, found: unknown): NonDeterminismError {
    this.divergence ??= new NonDeterminismError(
      `Replay of execution '${this.executionId}' diverged at operation #${position}: the history has ${describe(found)}, ` +
        `the workflow now runs '${op}'`,
    );
    return this.divergence;
  }

  /** Gives a waiter just created the next position, after which the SDK must have named it. */
  #place(op: string, promise: DurablePromise<unknown>): Waiter {
    const position = this.#next++;
    const expected = promiseIds.position(this.executionId, position);
    if (promise.id !== expected) {
      throw new Error(`internal: the waiter of '${op}' got id ${promise.id}, expected ${expected}`);
    }
    return { promise, position };
  }

  #issue<T extends object>(op: string, leaf: Leaf<T>, options: ResonateOptions): Issued {
    if (this.divergence) throw this.divergence;
    const position = this.#next++;
    // The SDK records a leaf's function name (`func`); the operation's name is in the recorded value instead, since
    // renaming a function per call (`defineProperty`) costs more than the rest of the operation's own code.
    const durableRuntimeOperation = async (info: Info) => ({ ...(await leaf(info)), op });
    const settled = this.ctx.run(durableRuntimeOperation, options);
    return { position, settled };
  }

  async #recorded<T extends object>(
    op: string,
    { position, settled }: Issued,
    matcher?: Matcher,
  ): Promise<T & Recorded> {
    const matches = (found: Recorded) => (matcher ? matcher.matches(found) : found.op === op);
    let value: unknown;
    try {
      value = await settled;
    } catch (reason) {
      if (isRecorded(reason)) {
        if (matches(reason)) throw reason;
      } else if (reason instanceof Error) {
        throw this.abort(reason);
      }
      throw this.diverge(matcher?.label ?? op, position, reason);
    }
    if (isRecorded(value) && matches(value)) return value as T & Recorded;
    throw this.diverge(matcher?.label ?? op, position, value);
  }

  /** Takes the position lock: `undefined` when free (no extra tick), else a promise that resolves in FIFO order. */
  #enter(): Promise<void> | undefined {
    if (!this.#busy) {
      this.#busy = true;
      return undefined;
    }
    return new Promise((resolve) => this.#queue.push(resolve));
  }

  #leave(): void {
    const next = this.#queue.shift();
    if (next) next();
    else this.#busy = false;
  }
}

/** A waiter promise and its position. */
export interface Waiter {
  readonly promise: DurablePromise<unknown>;
  readonly position: number;
}

interface Issued {
  readonly position: number;
  readonly settled: PromiseLike<unknown>;
}

export function isRecorded(value: unknown): value is Recorded {
  return typeof value === 'object' && value !== null && typeof (value as Recorded).op === 'string';
}

function describe(found: unknown): string {
  if (isRecorded(found)) return `'${found.op}'`;
  if (found === undefined) return 'a timer or a wait';
  const text = JSON.stringify(found);
  return `the value ${text && text.length > 200 ? `${text.slice(0, 200)}...` : text}`;
}
