import {
  CancelledError,
  type ErrorShape,
  fromErrorShape,
  jsonCopy,
  NonDeterminismError,
  type Registry,
  retryDecision,
  toErrorShape,
} from '@durable-runtime/core';
import {
  type CancelSignal,
  type EngineContext,
  type ExecutionOutcome,
  type ExecutionRef,
  executeStepAttempt,
  type StartRequest,
  type StepOutcome,
  type StepRequest,
  targetName,
  type WaitOutcome,
} from '@durable-runtime/core/spi';
import { JournalCursor } from './journal.js';
import { type LiveExecution, never, type WaitResult } from './live-execution.js';
import { deleteOwn, hasOwnKey, ownValue, setOwn } from './own-keys.js';
import { ReplayOrder } from './replay-order.js';
import type { JournalEntry, OperationKind } from './store.js';

/** The engine operations a running workflow reaches through its context. */
export interface WorkflowHost {
  readonly registry: Registry;
  now(): number;
  isAlive(): boolean;
  /** The largest payload in bytes. */
  readonly maxPayloadBytes: number;
  /** Starts (or finds) an execution; `delayMs` schedules it. @throws ValidationError for an id of another workflow */
  startExecution(request: StartRequest, delayMs?: number): void;
  /** Requests the cancellation of an execution (a child whose parent was cancelled). */
  cancelExecution(ref: ExecutionRef): void;
  /** Waits for an execution's outcome. */
  outcome(ref: ExecutionRef): Promise<ExecutionOutcome>;
  /** Appends a message to an execution's mailbox. @throws ExecutionNotFoundError */
  deliver(ref: ExecutionRef, channel: string, message: unknown): void;
  /** Tracks running step attempts (the virtual clock only advances when none runs). */
  stepStarted(executionId: string): void;
  stepFinished(): void;
}

const CANCELLED = (): ErrorShape => toErrorShape(new CancelledError());

/**
 * The memory engine's {@link EngineContext}: every operation goes through the journal, so a replay returns recorded
 * results and a diverging replay fails with a `NonDeterminismError`.
 */
export class MemoryEngineContext implements EngineContext {
  readonly #cursor: JournalCursor;
  /** Entries completed before this run: their results are handed back in the order they completed. */
  readonly #replayed = new WeakSet<JournalEntry>();
  readonly #replayOrder: ReplayOrder;
  /**
   * The workflow has been thrown a `CancelledError`: from then on steps run to their end (compensation) while new
   * waits throw at once. Known again on replay from the journal.
   */
  #cancelDelivered = false;
  /** Set when a replay diverged from the journal: the execution fails with it whatever the workflow catches. */
  divergence: NonDeterminismError | undefined;

  constructor(
    private readonly live: LiveExecution,
    private readonly host: WorkflowHost,
  ) {
    this.#cursor = new JournalCursor(live.record);
    this.#replayOrder = new ReplayOrder(live.record.completions ?? 0, (done) => this.#stalled(done));
  }

  get executionId(): string {
    return this.live.record.id;
  }

  get workflowName(): string {
    return this.live.record.workflowName;
  }

  async runStep(request: StepRequest): Promise<StepOutcome> {
    const entry = this.#next('step', request.stepName);
    await this.#inTurn(entry);
    if (!entry.result && !entry.cancelled) {
      if (this.#cancelPending()) this.#save(() => this.#markCancelled(entry));
      else await this.#attempts(entry, request);
    }
    await this.#afterReplay(entry);
    if (entry.cancelled) return this.#throwCancelled();
    const result = entry.result;
    if (!result) return never();
    return 'value' in result
      ? { ok: true, value: jsonCopy(result.value) }
      : { ok: false, error: result.error, attempts: entry.failedAttempts ?? 1 };
  }

  /**
   * Runs attempts until one is recorded. A cancellation requested meanwhile (and not yet delivered to the workflow)
   * aborts the attempt in flight or the backoff, and marks the step cancelled; once a cancellation was delivered,
   * steps run to their end (compensation).
   */
  async #attempts(entry: JournalEntry, request: StepRequest): Promise<void> {
    const step = this.host.registry.step(request.stepName);
    const interruptible = !this.#cancelDelivered;
    const cancel = interruptible ? this.live.cancelSignal : undefined;
    const cancelled = () => cancel?.aborted === true;
    while (!entry.result && !cancelled()) {
      if (!this.live.isAlive()) return never();
      if (entry.retryAt !== undefined) {
        const waited = await this.live.wait(() => undefined, entry.retryAt, interruptible);
        if (waited.kind === 'cancelled') break;
      }
      const failed = entry.failedAttempts ?? 0;
      // A retry's wait is over: persisted (with the step's entry) before the attempt runs. A first attempt writes
      // nothing: what came before it is made durable by stepStarted, and a crash during it re-runs it either way.
      if (entry.retryAt !== undefined) this.#save(() => delete entry.retryAt);
      const result = await this.#attempt(request, step, failed + 1, cancel);
      if (!this.live.isAlive()) return never();
      if (cancelled()) break;
      this.#save(() => {
        if ('value' in result) {
          this.#setResult(entry, result);
          return;
        }
        entry.failedAttempts = failed + 1;
        const decision = retryDecision(request.retry, failed + 1, result.error);
        if (decision.retry) entry.retryAt = this.host.now() + decision.delayMs;
        else this.#setResult(entry, result);
      });
    }
    if (cancelled() && !entry.result) this.#save(() => this.#markCancelled(entry));
  }

  async sleep(ms: number): Promise<void> {
    const entry = this.#next('sleep', '');
    await this.#inTurn(entry);
    if (!entry.result) {
      const deadline = this.#deadline(entry, ms) as number;
      const waited = await this.live.wait(() => undefined, deadline);
      this.#complete(entry, waited.kind === 'cancelled' ? { error: CANCELLED() } : { value: null });
    }
    await this.#afterReplay(entry);
    this.#unwrap(entry);
  }

  async promise(name: string, timeoutMs: number | undefined): Promise<WaitOutcome> {
    const entry = this.#next('promise', name);
    await this.#inTurn(entry);
    if (!entry.result) {
      const deadline = this.#deadline(entry, timeoutMs);
      const waited = await this.live.wait(() => ownValue(this.live.record.promises, name), deadline);
      this.#complete(
        entry,
        waitResultToEntry(waited, (settlement) => settlement),
      );
    }
    await this.#afterReplay(entry);
    return this.#unwrap(entry) as WaitOutcome;
  }

  async receive(channel: string, timeoutMs: number | undefined): Promise<WaitOutcome> {
    const entry = this.#next('receive', channel);
    await this.#inTurn(entry);
    if (!entry.result) {
      const deadline = this.#deadline(entry, timeoutMs);
      const waited = await this.live.wait(() => this.#takeMessage(entry, channel), deadline);
      if (waited.kind !== 'ready')
        this.#complete(
          entry,
          waitResultToEntry(waited, () => ({ kind: 'timeout' })),
        );
    }
    await this.#afterReplay(entry);
    return this.#unwrap(entry) as WaitOutcome;
  }

  /** Takes the oldest message not taken yet and records it in the same write, so no concurrent receive takes it too. */
  #takeMessage(entry: JournalEntry, channel: string): true | undefined {
    const record = this.live.record;
    record.received ??= {};
    const { mailbox, received } = record;
    const taken = ownValue(received, channel) ?? 0;
    const queue = ownValue(mailbox, channel);
    if (!queue || queue.length <= taken) return undefined;
    this.#save(() => {
      setOwn(received, channel, taken + 1);
      this.#setResult(entry, { value: { kind: 'value', value: queue[taken] } });
    });
    return true;
  }

  async getState(key: string): Promise<unknown> {
    const entry = this.#next('state.get', key);
    await this.#inTurn(entry);
    if (!entry.result) {
      const state = this.live.record.state;
      this.#complete(entry, { value: hasOwnKey(state, key) ? { value: state[key] } : {} });
    }
    await this.#afterReplay(entry);
    return (this.#unwrap(entry) as { value?: unknown }).value;
  }

  async setState(key: string, value: unknown): Promise<void> {
    const entry = this.#next('state.set', key);
    await this.#inTurn(entry);
    if (!entry.result) {
      this.#save(() => {
        setOwn(this.live.record.state, key, value);
        this.#setResult(entry, { value: null });
      });
    }
    await this.#afterReplay(entry);
  }

  async deleteState(key: string): Promise<void> {
    const entry = this.#next('state.delete', key);
    await this.#inTurn(entry);
    if (!entry.result) {
      this.#save(() => {
        deleteOwn(this.live.record.state, key);
        this.#setResult(entry, { value: null });
      });
    }
    await this.#afterReplay(entry);
  }

  async send(target: ExecutionRef, channel: string, message: unknown): Promise<void> {
    const entry = this.#next('send', targetName(target, channel));
    await this.#inTurn(entry);
    if (!entry.result) {
      try {
        this.host.deliver(target, channel, message);
        this.#complete(entry, { value: null });
      } catch (error) {
        this.#complete(entry, { error: toErrorShape(error) });
      }
    }
    await this.#afterReplay(entry);
    this.#unwrap(entry);
  }

  /** Waits for a child; a cancellation of this execution cancels the child and interrupts the wait. */
  async callChild(request: StartRequest): Promise<ExecutionOutcome> {
    const entry = this.#next('call', targetName(request));
    await this.#inTurn(entry);
    if (!entry.result) {
      if (this.live.record.cancelRequested) {
        this.#complete(entry, { error: CANCELLED() });
      } else {
        try {
          this.host.startExecution(request);
        } catch (error) {
          this.#complete(entry, { error: toErrorShape(error) });
          await this.#afterReplay(entry);
          return this.#unwrap(entry) as never;
        }
        const outcome = await this.#childOutcomeOrCancel(request);
        this.#complete(entry, outcome ? { value: outcome } : { error: CANCELLED() });
      }
    }
    await this.#afterReplay(entry);
    return this.#unwrap(entry) as ExecutionOutcome;
  }

  /** The child's outcome, or undefined when this execution was cancelled first (the child is cancelled then). */
  async #childOutcomeOrCancel(request: StartRequest): Promise<ExecutionOutcome | undefined> {
    let stopWatching = () => {};
    const cancelled = new Promise<undefined>((resolve) => {
      stopWatching = this.live.onCancel(() => resolve(undefined));
    });
    try {
      const outcome = await Promise.race([this.host.outcome(request), cancelled]);
      if (!this.live.isAlive()) return never();
      if (outcome === undefined) this.host.cancelExecution(request);
      return outcome;
    } finally {
      stopWatching();
    }
  }

  async startChild(request: StartRequest, delayMs: number | undefined): Promise<void> {
    const entry = this.#next('start', targetName(request));
    await this.#inTurn(entry);
    if (!entry.result) {
      try {
        this.host.startExecution(request, delayMs);
        this.#complete(entry, { value: null });
      } catch (error) {
        this.#complete(entry, { error: toErrorShape(error) });
      }
    }
    await this.#afterReplay(entry);
    this.#unwrap(entry);
  }

  now(): Promise<number> {
    return this.#recorded('now', () => this.host.now());
  }

  random(): Promise<number> {
    return this.#recorded('random', () => Math.random());
  }

  uuid(): Promise<string> {
    return this.#recorded('uuid', () => crypto.randomUUID());
  }

  async #recorded<T>(kind: OperationKind, produce: () => T): Promise<T> {
    const entry = this.#next(kind, '');
    await this.#inTurn(entry);
    if (!entry.result) this.#complete(entry, { value: produce() });
    await this.#afterReplay(entry);
    return this.#unwrap(entry) as T;
  }

  async #attempt(
    request: StepRequest,
    step: ReturnType<Registry['step']>,
    attempt: number,
    cancel: CancelSignal | undefined,
  ) {
    const info = { attempt, executionId: this.executionId, stepName: request.stepName };
    this.host.stepStarted(this.executionId);
    try {
      // Making the progress durable found the execution claimed by another worker: this copy runs nothing more.
      if (!this.live.isAlive()) return never<{ value: unknown } | { error: ErrorShape }>();
      const options = {
        timeoutMs: request.timeoutMs,
        cancelSignal: cancel,
        maxPayloadBytes: this.host.maxPayloadBytes,
      };
      return { value: await executeStepAttempt(step, request.args, info, options) };
    } catch (error) {
      return { error: toErrorShape(error) };
    } finally {
      this.host.stepFinished();
    }
  }

  #next(kind: OperationKind, name: string): JournalEntry {
    if (this.divergence) throw this.divergence;
    try {
      const entry = this.#cursor.next(kind, name);
      if (entry.done !== undefined) this.#replayed.add(entry);
      return entry;
    } catch (error) {
      if (NonDeterminismError.is(error)) this.divergence = error;
      throw error;
    }
  }

  #deadline(entry: JournalEntry, ms: number | undefined): number | undefined {
    if (ms === undefined) return undefined;
    if (entry.deadline === undefined) this.#save(() => (entry.deadline = this.host.now() + ms));
    return entry.deadline;
  }

  #complete(entry: JournalEntry, result: NonNullable<JournalEntry['result']>): void {
    this.#save(() => this.#setResult(entry, result));
  }

  #setResult(entry: JournalEntry, result: NonNullable<JournalEntry['result']>): void {
    entry.result = result;
  }

  #markCancelled(entry: JournalEntry): void {
    entry.cancelled = true;
  }

  #nextDone(): number {
    const record = this.live.record;
    record.completions = (record.completions ?? 0) + 1;
    return record.completions - 1;
  }

  #save(change: () => void): void {
    this.live.update(change);
  }

  /** The recorded value (a copy), or the recorded error thrown. */
  #unwrap(entry: JournalEntry): unknown {
    const result = entry.result;
    if (!result) throw new Error(`internal: operation #${entry.seq} has no result`);
    if ('error' in result) {
      if (result.error.code === 'CANCELLED') this.#cancelDelivered = true;
      throw fromErrorShape(result.error);
    }
    return jsonCopy(result.value);
  }

  /** A replay that never reached the operation completed `done`-th: the code no longer issues it. */
  #stalled(done: number): NonDeterminismError {
    const record = this.live.record;
    this.divergence ??= new NonDeterminismError(
      `Execution '${record.id}' of workflow '${record.workflowName}' took a different path on replay: ` +
        `the operation that completed #${done} was never reached`,
    );
    return this.divergence;
  }

  /**
   * An operation that completed in this run resumes the workflow only after every recorded operation was handed
   * back: in the first run it completed after all of them. Numbers the order in which results reach the workflow.
   */
  #afterReplay(entry: JournalEntry): Promise<void> | undefined {
    if (this.#replayed.has(entry)) return undefined;
    // Its place in the order results reach the workflow, which a replay reproduces. Persisted with the next write:
    // an entry recorded without it was the last to complete, which is where a replay hands it back.
    if (!this.#replayOrder.replaying) {
      entry.done ??= this.#nextDone();
      return undefined;
    }
    return this.#replayOrder.liveTurn().then(() => {
      entry.done ??= this.#nextDone();
    });
  }

  /** On replay, waits until every operation that completed before this one has been handed back. */
  #inTurn(entry: JournalEntry): Promise<void> | undefined {
    return this.#replayed.has(entry) ? this.#replayOrder.turn(entry.done as number) : undefined;
  }

  /** A cancellation was requested and the workflow has not been told yet: the next operation that waits tells it. */
  #cancelPending(): boolean {
    return this.live.record.cancelRequested && !this.#cancelDelivered;
  }

  #throwCancelled(): never {
    this.#cancelDelivered = true;
    throw new CancelledError();
  }
}

function waitResultToEntry<T>(
  waited: WaitResult<T>,
  toOutcome: (value: T) => WaitOutcome,
): NonNullable<JournalEntry['result']> {
  switch (waited.kind) {
    case 'cancelled':
      return { error: CANCELLED() };
    case 'timeout':
      return { value: { kind: 'timeout' } };
    case 'ready':
      return { value: toOutcome(waited.value) };
  }
}
