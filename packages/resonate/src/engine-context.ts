import {
  CancelledError,
  DurableError,
  type ErrorShape,
  fromErrorShape,
  jsonCopy,
  type NonDeterminismError,
  toErrorShape,
} from '@durable-runtime/core';
import {
  type EngineContext,
  type ExecutionOutcome,
  type ExecutionRef,
  operationName,
  type StartRequest,
  type StepOutcome,
  type StepRequest,
  targetName,
  type WaitOutcome,
} from '@durable-runtime/core/spi';
import type { Context, Info } from '@resonatehq/sdk/async';
import { promiseIds } from './ids.js';
import { OperationLog } from './operation-log.js';
import type { StoredPromise } from './promise-store.js';
import { newStamp, type Outcome, Scheduler, type Ticket } from './scheduler.js';
import { type Delivery, isCancelMark, isDelivery } from './slots.js';
import type { StateSnapshot } from './state-journal.js';
import { runStep } from './steps.js';
import type { WorkflowHost } from './workflow-host.js';

/** What a wait's leaf records: the result when it needed no waiter, a domain error, or a cancellation before it. */
interface WaitRecord {
  readonly ready?: unknown;
  readonly error?: ErrorShape;
  readonly cancelled?: true;
  /** The waiter of an earlier wait on the same promise name, which this wait shares. */
  readonly shared?: string;
}

/** An operation's completion as the scheduler takes it (`undefined`: the operation reports it itself later). */
interface Completion {
  readonly outcome: Outcome;
  readonly stamp?: number | undefined;
  readonly ack?: () => Promise<number>;
}

/** How a waiter is made: a timer (a sleep, a wait's timeout) or a promise that only a delivery settles. */
type WaiterKind = { readonly timerMs: number } | { readonly timerMs?: undefined };

/** A waiter's settlement as the workflow reads it: a delivery, or `undefined` when its timer fired. */
type Waited = { readonly delivery: Delivery | undefined };

/** The SDK's way to end a pass suspended on remote promises (`AsyncContext.track`, `fireSuspend`). */
interface SuspendableContext {
  track(id: string, outcome: Promise<{ kind: 'suspended'; remote: string[] }>): unknown;
  fireSuspend(): void;
}

/**
 * The SPI's {@link EngineContext} for one pass of a workflow on Resonate's async engine. Steps and the determinism
 * helpers are `ctx.run` leaves; durable promises, messages, timers, children and cancellation are emulated on
 * durable promises with deterministic ids (see `slots.ts`, `state-journal.ts`, `children.ts`, `cancellation.ts`).
 * Every operation is logged by name ({@link OperationLog}), so a diverging replay fails with a `NonDeterminismError`.
 *
 * Waits do not suspend the pass by themselves (the SDK would end it as soon as one promise is pending, and could
 * not end the execution while one is): a wait's waiter is a promise at a position of the execution that the adapter
 * creates and watches itself. The workflow learns of completions in a recorded order ({@link Scheduler}); when it
 * is blocked on waiters alone, the pass is suspended on all of them, and whichever settles first resumes it
 * (`Promise.race`). An execution can end while waits are pending or steps run (they are abandoned).
 */
export class ResonateEngineContext implements EngineContext {
  readonly log: OperationLog;
  readonly #scheduler: Scheduler;
  /** The execution's state as of this point of the pass (a replay repeats every change). */
  #state: StateSnapshot = {};
  #stateChanges = 0;
  /** How many waits registered for cancellation (each one a wait record `<id>:w.<n>`). */
  #registeredWaits = 0;
  /** Per promise name, how many waits on it timed out: the round of the next wait. */
  readonly #promiseRounds = new Map<string, number>();
  /** Per channel, how many receives started: the mailbox slot of the next one. */
  readonly #receives = new Map<string, number>();
  /**
   * The workflow has been thrown a `CancelledError`: from then on steps run to their end (compensation) while new
   * waits throw at once. Known again on replay, from the records that threw it.
   */
  #cancelDelivered = false;
  /** Operations issued and not yet answered. */
  #inFlight = 0;
  /** No two operations have been in flight at once so far (see `StepIssue.sequential`). */
  #sequential = true;
  /** The steps running in this worker, and how to abandon each when the pass ends. */
  readonly #running = new Map<Ticket, () => void>();
  /** The pass ended the execution: a step that starts now is abandoned at once. */
  #abandoning = false;

  constructor(
    private readonly ctx: Context,
    private readonly host: WorkflowHost,
    readonly workflowName: string,
    readonly executionId: string,
  ) {
    this.log = new OperationLog(ctx, workflowName, executionId, host.leafOptions);
    this.#scheduler = new Scheduler(
      (ids) => this.#suspend(ids),
      () => host.closed,
    );
  }

  get divergence(): NonDeterminismError | undefined {
    return this.log.divergence;
  }

  /**
   * The workflow returned or threw: nothing is delivered any more. When the pass ends the execution, steps still
   * running are abandoned (recorded without a result); when it is aborted (a store failure: the SDK runs it again),
   * they run to their end, so that the next pass replays their results.
   */
  finish(endsExecution: boolean): void {
    this.#scheduler.stop();
    if (!endsExecution) return;
    this.#abandoning = true;
    for (const abandon of this.#running.values()) abandon();
    this.#running.clear();
  }

  runStep(request: StepRequest): Promise<StepOutcome> {
    const step = this.host.registry.step(request.stepName);
    const issue = { sequential: this.#issue(), cancellable: !this.#cancelDelivered };
    const ticket = this.#scheduler.issue();
    const hooks = {
      running: () => ticket.running(),
      recording: () => {
        ticket.transient();
        this.#running.delete(ticket);
      },
      onAbandon: (abandon: () => void) => {
        if (this.#abandoning) abandon();
        else this.#running.set(ticket, abandon);
      },
    };
    runStep(this.log, this.host, step, request, this.executionId, issue, hooks).then((result) => {
      if (!result.sequential) this.#sequential = false;
      // An abandoned step (on replay of a pass that ended the execution while it ran) is never answered.
      if (result.kind === 'abandoned') return ticket.running();
      if (result.kind === 'done') return ticket.ready({ ok: true, value: result.outcome }, result.stamp);
      ticket.ready({ ok: false, error: new CancelledError() }, result.stamp);
    }, this.#reportFailure(ticket));
    return ticket.promise.then(this.#answered, this.#failed) as Promise<StepOutcome>;
  }

  sleep(ms: number): Promise<void> {
    return this.#operation((ticket) => this.#sleep(ticket, ms)) as Promise<void>;
  }

  #sleep(ticket: Ticket, ms: number): Promise<Completion | undefined> {
    const op = operationName('sleep');
    const interpret = (waited: Waited): Outcome =>
      waited.delivery === undefined ? { ok: true, value: undefined } : this.#diverged(op, waited.delivery);
    if (this.host.cancellation.inMemory) {
      // Local mode: the timer alone, registered for cancellation in process memory (one synchronous step).
      const { id } = this.log.reserve();
      if (this.host.cancellation.registerWaitInMemory(this.executionId, id)) {
        // Cancelled already: the timer is settled with the cancel mark, before or after it is created.
        this.host.cancellation.interrupt(this.executionId, id).catch((error: Error) => this.log.abort(error));
      }
      return this.#awaitWaiter(ticket, op, id, { timerMs: ms }, interpret);
    }
    return this.#wait(
      ticket,
      op,
      async () => undefined,
      (record) => (record.ready !== undefined ? this.#diverged(op, record.ready) : { ok: true, value: undefined }),
    ).then((waited) => waited && this.#afterWait(ticket, op, waited, { timerMs: ms }, interpret));
  }

  promise(name: string, timeoutMs: number | undefined): Promise<WaitOutcome> {
    const op = operationName('promise', name);
    const round = this.#promiseRounds.get(name) ?? 0;
    const slotId = promiseIds.promiseSlot(this.executionId, name, round);
    const kind: WaiterKind = timeoutMs === undefined ? {} : { timerMs: timeoutMs };
    const interpret = (waited: Waited): Outcome =>
      waited.delivery ? { ok: true, value: waited.delivery.settlement } : { ok: true, value: { kind: 'timeout' } };
    const answer = this.#operation((ticket) =>
      this.#wait(
        ticket,
        op,
        async (waitId) => {
          const slot = await this.host.slots.claim(this.executionId, slotId, waitId);
          if (isDelivery(slot)) return { ready: slot.settlement };
          // Another wait on this name claimed the slot (concurrently, or before: it got the value then): its waiter
          // gives this wait the same settlement.
          if (slot.wait !== waitId) return { shared: slot.wait };
          return undefined;
        },
        (record) => ({ ok: true, value: record.ready }),
      ).then((waited) => waited && this.#afterWait(ticket, op, waited, kind, interpret)),
    ) as Promise<WaitOutcome>;
    return answer.then((outcome) => {
      // Delivered in the recorded order: the next wait on the name takes the next round.
      if (outcome.kind === 'timeout') this.#promiseRounds.set(name, round + 1);
      return outcome;
    });
  }

  receive(channel: string, timeoutMs: number | undefined): Promise<WaitOutcome> {
    const op = operationName('receive', channel);
    const index = this.#receives.get(channel) ?? 0;
    this.#receives.set(channel, index + 1);
    const slotId = promiseIds.mailboxSlot(this.executionId, channel, index);
    const kind: WaiterKind = timeoutMs === undefined ? {} : { timerMs: timeoutMs };
    const interpret = (waited: Waited): Outcome =>
      waited.delivery ? { ok: true, value: waited.delivery.settlement } : { ok: true, value: { kind: 'timeout' } };
    return this.#operation((ticket) =>
      this.#wait(
        ticket,
        op,
        async (waitId) => {
          const slot = await this.host.slots.claim(this.executionId, slotId, waitId);
          return isDelivery(slot) ? { ready: slot.settlement } : undefined;
        },
        (record) => ({ ok: true, value: record.ready }),
      ).then((waited) => waited && this.#afterWait(ticket, op, waited, kind, interpret)),
    ) as Promise<WaitOutcome>;
  }

  async getState(key: string): Promise<unknown> {
    return Object.hasOwn(this.#state, key) ? jsonCopy(this.#state[key]) : undefined;
  }

  setState(key: string, value: unknown): Promise<void> {
    this.#state = { ...this.#state, [key]: value };
    return this.#saveState(operationName('state.set', key));
  }

  deleteState(key: string): Promise<void> {
    const { [key]: _deleted, ...rest } = this.#state;
    this.#state = rest;
    return this.#saveState(operationName('state.delete', key));
  }

  send(target: ExecutionRef, channel: string, message: unknown): Promise<void> {
    const op = operationName('send', targetName(target, channel));
    return this.#recordOperation(op, (info) =>
      domainErrors(() => this.host.deliverMessage(target, channel, message, info.id, true)),
    ) as Promise<void>;
  }

  callChild(request: StartRequest): Promise<ExecutionOutcome> {
    const op = operationName('call', targetName(request));
    const kind: WaiterKind = {};
    const interpret = (waited: Waited): Outcome =>
      waited.delivery
        ? { ok: true, value: (waited.delivery.settlement as { value: ExecutionOutcome }).value }
        : this.#diverged(op, waited.delivery);
    const answer = this.#operation((ticket) =>
      this.#wait(
        ticket,
        op,
        async (waitId) => {
          await this.host.startExecution(request, undefined);
          const ended = await this.host.children.watch(request.executionId, waitId);
          return ended === undefined ? undefined : { ready: ended };
        },
        (record) => ({ ok: true, value: record.ready }),
      ).then((waited) => waited && this.#afterWait(ticket, op, waited, kind, interpret)),
    ) as Promise<ExecutionOutcome>;
    return answer.catch((error: unknown) => {
      if (!CancelledError.is(error)) throw error;
      // Interrupted by the cancellation of this execution: the child is cancelled too (recorded, at the point the
      // workflow learns of it).
      return this.#recordOperation(operationName('cancel', targetName(request)), async () => {
        await this.host.cancelExecution(request);
        return {};
      }).then(() => {
        throw error;
      });
    });
  }

  startChild(request: StartRequest, delayMs: number | undefined): Promise<void> {
    const op = operationName('start', targetName(request));
    return this.#recordOperation(op, () =>
      domainErrors(() => this.host.startExecution(request, delayMs)),
    ) as Promise<void>;
  }

  now(): Promise<number> {
    return this.#recordOperation(operationName('now'), () => ({ ready: Date.now() })) as Promise<number>;
  }

  random(): Promise<number> {
    return this.#recordOperation(operationName('random'), () => ({ ready: Math.random() })) as Promise<number>;
  }

  uuid(): Promise<string> {
    return this.#recordOperation(operationName('uuid'), () => ({ ready: crypto.randomUUID() })) as Promise<string>;
  }

  /**
   * Whether the execution was cancelled before its first operation: it then ends cancelled without running (a
   * delayed child cancelled before it started never runs).
   */
  cancelledBeforeStart(): false | Promise<boolean> {
    const cancelled = this.host.cancellation.isCancelled(this.executionId);
    if (cancelled === false) return false;
    return Promise.resolve(cancelled).then(
      async (flag) => flag && (await this.host.store.get(promiseIds.position(this.executionId, 0))) === undefined,
    );
  }

  /** Checks, at the end of a pass that ends the execution, that it did not skip operations a replay recorded. */
  async end(): Promise<void> {
    await this.log.end((id) => this.host.store.get(id));
  }

  /**
   * Issues an operation (synchronously, in the workflow's order): `work` computes its completion, which the
   * scheduler delivers in the recorded order.
   */
  #operation(work: (ticket: Ticket) => Promise<Completion | undefined>): Promise<unknown> {
    this.#issue();
    const ticket = this.#scheduler.issue();
    let completed: Promise<Completion | undefined>;
    try {
      completed = work(ticket);
    } catch (error) {
      // Issued synchronously (a divergence found while reserving a position): answered like any failure.
      completed = Promise.reject(error);
    }
    completed.then((completion) => {
      if (completion) ticket.ready(completion.outcome, completion.stamp, completion.ack);
    }, this.#reportFailure(ticket));
    return ticket.promise.then(this.#answered, this.#failed);
  }

  /** An operation that is one record: its value (`ready`) or its domain error. */
  #recordOperation(op: string, leaf: (info: Info) => Promise<WaitRecord> | WaitRecord): Promise<unknown> {
    return this.#operation(async () => {
      const recorded = await this.log.record(op, leaf);
      const outcome: Outcome = recorded.error
        ? { ok: false, error: fromErrorShape(recorded.error) }
        : { ok: true, value: recorded.ready };
      return { outcome, stamp: recorded.t };
    });
  }

  /** A failure outside the recorded order (a divergence, a store failure): delivered at once. */
  #reportFailure(ticket: Ticket): (error: unknown) => void {
    return (error) => ticket.fail(error);
  }

  /** Counts an operation issued; tells whether it is sequential: none in flight now, none ever issued alongside another. */
  #issue(): boolean {
    if (this.#inFlight > 0) this.#sequential = false;
    this.#inFlight++;
    return this.#sequential;
  }

  readonly #answered = (value: unknown): unknown => {
    this.#inFlight--;
    return value;
  };

  /** An operation's failure: counted as answered; a `CancelledError` means the workflow has been told. */
  readonly #failed = (error: unknown): never => {
    this.#inFlight--;
    if (CancelledError.is(error)) this.#cancelDelivered = true;
    throw error;
  };

  #saveState(op: string): Promise<void> {
    const snapshot = this.#state;
    const index = this.#stateChanges++;
    return this.#recordOperation(op, async () => {
      await this.host.state.write(this.executionId, index, snapshot);
      return {};
    }) as Promise<void>;
  }

  /**
   * A wait's leaf: it runs `claim` (which returns the result when there is nothing to wait for, or the waiter of an
   * earlier wait to share); when a waiter is needed, the leaf registers it for cancellation and, if the execution is
   * cancelled already, settles it with the cancel mark. The waiter takes the position after the leaf's. Returns the
   * completion when there is nothing to wait for, else the waiter to wait on.
   */
  async #wait(
    ticket: Ticket,
    op: string,
    claim: (waitId: string) => Promise<WaitRecord | undefined>,
    readyOutcome: (record: WaitRecord) => Outcome,
  ): Promise<{ readonly waitId: string; readonly stamp: number | undefined } | undefined> {
    // Taken at the issue: concurrent waits register at distinct indexes.
    const index = this.#registeredWaits++;
    let waitId = '';
    const leaf = async (): Promise<WaitRecord> => {
      // A wait issued after a cancellation throws at once, before it takes anything (a message stays queued).
      const cancelled = this.host.cancellation.isCancelled(this.executionId);
      if (cancelled === true || (cancelled !== false && (await cancelled))) return { cancelled: true };
      let record: WaitRecord;
      try {
        record = (await claim(waitId)) ?? {};
      } catch (error) {
        if (DurableError.is(error)) return { error: toErrorShape(error) };
        throw error;
      }
      if (record.ready !== undefined || record.shared !== undefined) return record;
      if (await this.host.cancellation.registerWait(this.executionId, index, waitId)) {
        await this.host.cancellation.interrupt(this.executionId, waitId);
      }
      return {};
    };
    const recorded = await this.log.record<WaitRecord>(
      op,
      async () => {
        const record = await leaf();
        // No waiter of its own: its index in the registry stays empty.
        if (Object.keys(record).length > 0) await this.host.cancellation.skipWait(this.executionId, index);
        return record;
      },
      undefined,
      undefined,
      () => {
        waitId = this.log.reserve().id;
      },
    );
    const stamp = recorded.t;
    if (recorded.cancelled) {
      ticket.ready({ ok: false, error: new CancelledError() }, stamp);
      return undefined;
    }
    if (recorded.error) {
      ticket.ready({ ok: false, error: fromErrorShape(recorded.error) }, stamp);
      return undefined;
    }
    if (recorded.ready !== undefined) {
      ticket.ready(readyOutcome(recorded), stamp);
      return undefined;
    }
    if (recorded.shared !== undefined) return { waitId: recorded.shared, stamp: undefined };
    return { waitId, stamp: undefined };
  }

  #afterWait(
    ticket: Ticket,
    op: string,
    waiter: { readonly waitId: string },
    kind: WaiterKind,
    interpret: (waited: Waited) => Outcome,
  ): Promise<Completion | undefined> {
    return this.#awaitWaiter(ticket, op, waiter.waitId, kind, interpret);
  }

  /**
   * Creates the waiter (or finds it, on replay) and watches it: its settlement completes the operation. Registered
   * before the waiter is read, so no settlement slips between the read and the watch.
   */
  async #awaitWaiter(
    ticket: Ticket,
    op: string,
    waitId: string,
    kind: WaiterKind,
    interpret: (waited: Waited) => Outcome,
  ): Promise<Completion | undefined> {
    const settled = (record: StoredPromise) => {
      const completion = this.#settledWaiter(op, waitId, record, interpret);
      ticket.ready(completion.outcome, undefined, completion.ack);
    };
    const unwatch = this.#watch(waitId, settled);
    let record: StoredPromise;
    try {
      record =
        kind.timerMs !== undefined
          ? await this.host.store.createTimer(waitId, this.executionId, Date.now() + kind.timerMs, this.host.target)
          : await this.host.store.create(waitId, this.executionId);
    } catch (error) {
      unwatch();
      throw this.log.abort(error as Error);
    }
    if (record.state !== 'pending') {
      unwatch();
      return this.#settledWaiter(op, waitId, record, interpret);
    }
    // Not in-process: the deadline is read at its time (the store settles the timer then).
    const unwatchDeadline =
      kind.timerMs !== undefined && !this.host.inProcess
        ? this.#readAt(waitId, record.timeoutAt, settled)
        : () => undefined;
    ticket.waiting(waitId, () => {
      unwatch();
      unwatchDeadline();
    });
    return undefined;
  }

  /** The completion a settled waiter gives, with the acknowledgement that records its order when it matters. */
  #settledWaiter(
    op: string,
    waitId: string,
    record: StoredPromise,
    interpret: (waited: Waited) => Outcome,
  ): Completion {
    let outcome: Outcome;
    if (record.state === 'rejected_canceled' || (record.state !== 'resolved' && isCancelMark(record.value))) {
      outcome = { ok: false, error: new CancelledError() };
    } else if (record.state !== 'resolved') {
      outcome = { ok: false, error: this.log.abort(new Error(`Waiter ${waitId} ended ${record.state}`)) };
    } else if (record.value === undefined || isDelivery(record.value)) {
      outcome = interpret({ delivery: record.value as Delivery | undefined });
    } else {
      outcome = this.#diverged(op, record.value);
    }
    const ack = async () => {
      const acked = await this.host.store.create(promiseIds.ack(waitId), this.executionId, { t: newStamp() });
      return (acked.param as { t: number }).t;
    };
    return { outcome, ack };
  }

  /** Calls `settled` when the waiter settles while this pass runs. Local mode: told by the store. */
  #watch(waitId: string, settled: (record: StoredPromise) => void): () => void {
    const local = this.host.inProcess;
    if (local) return local.watch(waitId, (record) => settled(this.host.store.decode(record)));
    // A server: polled while the pass runs (it runs while steps do; otherwise it is suspended on the waiter).
    const timer = setInterval(() => {
      this.host.store.get(waitId).then(
        (record) => {
          if (record && record.state !== 'pending') settled(record);
        },
        () => undefined,
      );
    }, POLL_WAITERS_MS);
    timer.unref();
    return () => clearInterval(timer);
  }

  #readAt(waitId: string, deadline: number, settled: (record: StoredPromise) => void): () => void {
    const timer = setTimeout(
      () => {
        this.host.store.get(waitId).then(
          (record) => {
            if (record && record.state !== 'pending') settled(record);
          },
          () => undefined,
        );
      },
      Math.min(Math.max(deadline - Date.now(), 0), 2 ** 31 - 1),
    );
    timer.unref();
    return () => clearTimeout(timer);
  }

  #diverged(op: string, found: unknown): Outcome {
    return { ok: false, error: this.log.diverge(op, undefined, found) };
  }

  /** Ends the pass suspended on the waiters: whichever settles first resumes the execution. */
  #suspend(waitIds: string[]): void {
    const internals = this.ctx as unknown as Partial<SuspendableContext>;
    if (typeof internals.track !== 'function' || typeof internals.fireSuspend !== 'function') {
      throw new Error('internal: this version of @resonatehq/sdk cannot be suspended by the adapter');
    }
    internals.track(waitIds[0] as string, Promise.resolve({ kind: 'suspended', remote: waitIds }));
    internals.fireSuspend();
  }
}

/** How often a running pass on a server reads the waiters it waits on. */
const POLL_WAITERS_MS = 250;

/** Runs `work` and records its result; a durable-runtime error (not found, validation...) is recorded as `error`. */
async function domainErrors(work: () => Promise<unknown>): Promise<WaitRecord> {
  try {
    return { ready: await work() };
  } catch (error) {
    if (DurableError.is(error)) return { error: toErrorShape(error) };
    throw error;
  }
}
