import {
  CancelledError,
  DurableError,
  type ErrorShape,
  fromErrorShape,
  type NonDeterminismError,
  toErrorShape,
  UnsupportedFeatureError,
} from '@durable-runtime/core';
import type {
  EngineContext,
  ExecutionOutcome,
  ExecutionRef,
  PromiseSettlement,
  StartRequest,
  StepOutcome,
  StepRequest,
  WaitOutcome,
} from '@durable-runtime/core/spi';
import type { Context, DurablePromise } from '@resonatehq/sdk/async';
import { promiseIds } from './ids.js';
import { OperationLog, type Waiter } from './operation-log.js';
import { FOREVER_MS } from './promise-store.js';
import { type Delivery, isCancelMark, isDelivery } from './slots.js';
import type { StateSnapshot } from './state-journal.js';
import { runStep } from './steps.js';
import type { WorkflowHost } from './workflow-host.js';

/** What a wait's leaf records: the result when it needed no waiter, a domain error, or a cancellation before it. */
interface WaitRecord {
  readonly ready?: unknown;
  readonly error?: ErrorShape;
  readonly cancelled?: true;
}

/**
 * The SPI's {@link EngineContext} for one pass of a workflow on Resonate's async engine. Steps and the determinism
 * helpers are `ctx.run` leaves; timers are `ctx.sleep`; durable promises, messages, state, children and
 * cancellation are emulated on durable promises with deterministic ids (see `slots.ts`, `state-journal.ts`,
 * `children.ts`, `cancellation.ts`). Every operation is logged by name ({@link OperationLog}), so a diverging
 * replay fails with a `NonDeterminismError`.
 */
export class ResonateEngineContext implements EngineContext {
  readonly log: OperationLog;
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

  constructor(
    private readonly ctx: Context,
    private readonly host: WorkflowHost,
    readonly workflowName: string,
    readonly executionId: string,
  ) {
    this.log = new OperationLog(ctx, executionId, host.leafOptions);
  }

  get divergence(): NonDeterminismError | undefined {
    return this.log.divergence;
  }

  runStep(request: StepRequest): Promise<StepOutcome> {
    // As #operation does, with one chained callback less: steps are the hot path.
    const step = this.host.registry.step(request.stepName);
    const issue = { sequential: this.#issue(), cancellable: !this.#cancelDelivered };
    return runStep(this.log, this.host, step, request, this.executionId, issue).then((result) => {
      this.#inFlight--;
      if (!result.sequential) this.#sequential = false;
      if (result.kind === 'done') return result.outcome;
      this.#cancelDelivered = true;
      throw new CancelledError();
    }, this.#failed);
  }

  sleep(ms: number): Promise<void> {
    return this.#operation(() => this.#sleep(ms));
  }

  async #sleep(ms: number): Promise<void> {
    const waiter = this.host.cancellation.inMemory
      ? await this.#localTimer(ms)
      : (
          await this.#wait(
            'sleep',
            async () => undefined,
            () => this.ctx.sleep(ms),
          )
        ).waiter;
    const value = await this.#waited('sleep', waiter);
    if (value !== undefined) throw this.log.diverge('sleep', waiter?.position ?? -1, value);
  }

  /**
   * A sleep in local mode: its timer alone, registered for cancellation in process memory. On a server the
   * registration is a store write, which takes a leaf before the timer (see {@link #wait}); here it is one synchronous
   * step, so a sleep costs the store one promise, as a native `ctx.sleep` does.
   */
  async #localTimer(ms: number): Promise<Waiter> {
    const waiter = await this.log.waiter('sleep', () => this.ctx.sleep(ms));
    const waitId = waiter.promise.id;
    if (this.host.cancellation.registerWaitInMemory(this.executionId, waitId)) {
      // Cancelled already: the timer is settled with the cancel mark, before or after the SDK creates it.
      this.host.cancellation.interrupt(this.executionId, waitId).catch((error: Error) => this.log.abort(error));
    }
    return waiter;
  }

  promise(name: string, timeoutMs: number | undefined): Promise<WaitOutcome> {
    return this.#operation(() => this.#promise(name, timeoutMs));
  }

  async #promise(name: string, timeoutMs: number | undefined): Promise<WaitOutcome> {
    const op = `promise:${name}`;
    const round = this.#promiseRounds.get(name) ?? 0;
    const slotId = promiseIds.promiseSlot(this.executionId, name, round);
    const { ready, waiter } = await this.#wait(
      op,
      async (waitId) => {
        const slot = await this.host.slots.claim(this.executionId, slotId, waitId);
        if (isDelivery(slot)) return slot.settlement;
        if (slot.wait === waitId) return undefined;
        return this.#earlierSettlement(name, slot.wait);
      },
      () => this.ctx.promise(this.#waiterOptions(timeoutMs)),
    );
    if (!waiter) return ready as PromiseSettlement;
    const delivered = await this.#waited(op, waiter);
    if (delivered) return delivered.settlement;
    this.#promiseRounds.set(name, round + 1);
    return { kind: 'timeout' };
  }

  receive(channel: string, timeoutMs: number | undefined): Promise<WaitOutcome> {
    return this.#operation(() => this.#receive(channel, timeoutMs));
  }

  async #receive(channel: string, timeoutMs: number | undefined): Promise<WaitOutcome> {
    const op = `receive:${channel}`;
    const index = this.#receives.get(channel) ?? 0;
    this.#receives.set(channel, index + 1);
    const slotId = promiseIds.mailboxSlot(this.executionId, channel, index);
    const { ready, waiter } = await this.#wait(
      op,
      async (waitId) => {
        const slot = await this.host.slots.claim(this.executionId, slotId, waitId);
        return isDelivery(slot) ? slot.settlement : undefined;
      },
      () => this.ctx.promise(this.#waiterOptions(timeoutMs)),
    );
    if (!waiter) return ready as PromiseSettlement;
    const delivered = await this.#waited(op, waiter);
    return delivered ? delivered.settlement : { kind: 'timeout' };
  }

  async getState(key: string): Promise<unknown> {
    return Object.hasOwn(this.#state, key) ? jsonCopy(this.#state[key]) : undefined;
  }

  setState(key: string, value: unknown): Promise<void> {
    this.#state = { ...this.#state, [key]: value };
    return this.#operation(() => this.#saveState(`state.set:${key}`));
  }

  deleteState(key: string): Promise<void> {
    const { [key]: _deleted, ...rest } = this.#state;
    this.#state = rest;
    return this.#operation(() => this.#saveState(`state.delete:${key}`));
  }

  send(target: ExecutionRef, channel: string, message: unknown): Promise<void> {
    const op = `send:${target.workflowName}/${target.executionId}#${channel}`;
    return this.#operation(async () => {
      const recorded = await this.log.record(op, (info) =>
        domainErrors(() => this.host.deliverMessage(target, channel, message, info.id, true)),
      );
      if (recorded.error) throw fromErrorShape(recorded.error);
    });
  }

  callChild(request: StartRequest): Promise<ExecutionOutcome> {
    return this.#operation(() => this.#callChild(request));
  }

  /** Waits for a child; a cancellation of this execution interrupts the wait and cancels the child too. */
  async #callChild(request: StartRequest): Promise<ExecutionOutcome> {
    const op = `call:${request.workflowName}/${request.executionId}`;
    const { ready, waiter } = await this.#wait(
      op,
      async (waitId) => {
        await this.host.startExecution(request, undefined);
        return this.host.children.watch(request.executionId, waitId);
      },
      () => this.ctx.promise({ timeout: FOREVER_MS }),
    );
    if (!waiter) return ready as ExecutionOutcome;
    let delivered: Delivery | undefined;
    try {
      delivered = await this.#waited(op, waiter);
    } catch (error) {
      if (CancelledError.is(error)) {
        await this.log.record(`cancel:${request.workflowName}/${request.executionId}`, async () => {
          await this.host.cancelExecution(request);
          return {};
        });
      }
      throw error;
    }
    if (!delivered) throw this.log.diverge(op, waiter.position, delivered);
    return (delivered.settlement as { value: ExecutionOutcome }).value;
  }

  startChild(request: StartRequest, delayMs: number | undefined): Promise<void> {
    const op = `start:${request.workflowName}/${request.executionId}`;
    return this.#operation(async () => {
      const recorded = await this.log.record(op, () => domainErrors(() => this.host.startExecution(request, delayMs)));
      if (recorded.error) throw fromErrorShape(recorded.error);
    });
  }

  now(): Promise<number> {
    return this.#operation(async () => (await this.log.record('now', () => ({ value: Date.now() }))).value);
  }

  random(): Promise<number> {
    return this.#operation(async () => (await this.log.record('random', () => ({ value: Math.random() }))).value);
  }

  uuid(): Promise<string> {
    return this.#operation(async () => (await this.log.record('uuid', () => ({ value: crypto.randomUUID() }))).value);
  }

  /**
   * Whether the execution was cancelled before its first operation: it then ends cancelled without running (a
   * delayed child cancelled before it started never runs).
   */
  cancelledBeforeStart(): boolean | Promise<boolean> {
    const cancelled = this.host.cancellation.isCancelled(this.executionId);
    if (cancelled === false) return false;
    return Promise.resolve(cancelled).then(
      async (flag) => flag && (await this.host.store.get(promiseIds.position(this.executionId, 0))) === undefined,
    );
  }

  /**
   * Counts an operation in flight from its issue (synchronously) to its answer, and notes a delivered cancellation.
   * `work` is told whether the operation is sequential (see {@link #issue}).
   */
  #operation<T>(work: (sequential: boolean) => Promise<T>): Promise<T> {
    // Chained rather than awaited: no suspended frame per waiting operation.
    return work(this.#issue()).then((value) => {
      this.#inFlight--;
      return value;
    }, this.#failed);
  }

  /** Counts an operation issued; tells whether it is sequential: none in flight now, none ever issued alongside another. */
  #issue(): boolean {
    if (this.#inFlight > 0) this.#sequential = false;
    this.#inFlight++;
    return this.#sequential;
  }

  /** An operation's failure: counted as answered; a `CancelledError` means the workflow has been told. */
  readonly #failed = (error: unknown): never => {
    this.#inFlight--;
    if (CancelledError.is(error)) this.#cancelDelivered = true;
    throw error;
  };

  /** Checks, at the end of a pass that ends the execution, that it did not skip operations a replay recorded. */
  async end(): Promise<void> {
    await this.log.end((id) => this.host.store.get(id));
  }

  async #saveState(op: string): Promise<void> {
    const snapshot = this.#state;
    const index = this.#stateChanges++;
    await this.log.record(op, async () => {
      await this.host.state.write(this.executionId, index, snapshot);
      return {};
    });
  }

  /**
   * A wait: a leaf runs `claim` (which returns the result when there is nothing to wait for); when a waiter is
   * needed, the leaf registers it for cancellation and, if the execution is cancelled already, settles it with the
   * cancel mark. Whatever the leaf published, the waiter is then created at the next position.
   */
  async #wait(
    op: string,
    claim: (waitId: string) => Promise<unknown>,
    startWaiter: () => DurablePromise<unknown>,
  ): Promise<{ ready?: unknown; waiter?: Waiter }> {
    const index = this.#registeredWaits;
    const { recorded, waiter } = await this.log.wait<WaitRecord>(
      op,
      async (waitId) => {
        // A wait issued after a cancellation throws at once, before it takes anything (a message stays queued).
        const cancelled = this.host.cancellation.isCancelled(this.executionId);
        if (cancelled === true || (cancelled !== false && (await cancelled))) return { cancelled: true };
        const record = await domainErrors(() => claim(waitId));
        if (record.error || record.ready !== undefined) return record;
        if (await this.host.cancellation.registerWait(this.executionId, index, waitId)) {
          await this.host.cancellation.interrupt(this.executionId, waitId);
        }
        return {};
      },
      (recorded) => (recorded.error || recorded.cancelled || recorded.ready !== undefined ? undefined : startWaiter()),
    );
    if (recorded.cancelled) throw new CancelledError();
    if (recorded.error) throw fromErrorShape(recorded.error);
    if (waiter) this.#registeredWaits = index + 1;
    return { ready: recorded.ready, ...(waiter ? { waiter } : {}) };
  }

  /** The waiter's delivery, or `undefined` when its timer fired. @throws CancelledError when cancelled */
  async #waited(op: string, waiter: Waiter | undefined): Promise<Delivery | undefined> {
    if (!waiter) throw new Error(`internal: '${op}' has no waiter`);
    let value: unknown;
    try {
      value = await waiter.promise;
    } catch (reason) {
      if (isCancelMark(reason)) throw new CancelledError();
      if (reason instanceof Error) throw this.log.abort(reason);
      throw this.log.diverge(op, waiter.position, reason);
    }
    if (value === undefined || isDelivery(value)) return value;
    throw this.log.diverge(op, waiter.position, value);
  }

  /** A repeated wait on a promise name that an earlier wait already received: the same settlement. */
  async #earlierSettlement(name: string, earlierWaitId: string): Promise<PromiseSettlement> {
    const earlier = await this.host.store.get(earlierWaitId);
    if (earlier?.state === 'resolved' && isDelivery(earlier.value)) return earlier.value.settlement;
    if (earlier?.state === 'rejected_canceled') throw new CancelledError();
    throw new UnsupportedFeatureError('resonate', `two concurrent waits on the durable promise '${name}'`);
  }

  #waiterOptions(timeoutMs: number | undefined) {
    if (timeoutMs === undefined) return { timeout: FOREVER_MS };
    // A timer promise: Resonate resolves it (without a value) when the timeout passes, unless a delivery came first.
    return { timeout: timeoutMs, tags: { 'resonate:timer': 'true', 'resonate:target': this.host.target } };
  }
}

/** Runs `work` and records its result; a durable-runtime error (not found, validation...) is recorded as `error`. */
async function domainErrors(work: () => Promise<unknown>): Promise<WaitRecord> {
  try {
    return { ready: await work() };
  } catch (error) {
    if (DurableError.is(error)) return { error: toErrorShape(error) };
    throw error;
  }
}

function jsonCopy(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
