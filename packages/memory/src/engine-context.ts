import {
  CancelledError,
  type ErrorShape,
  fromErrorShape,
  NonDeterminismError,
  type Registry,
  retryDecision,
  toErrorShape,
} from '@durable-runtime/core';
import {
  type EngineContext,
  type ExecutionOutcome,
  type ExecutionRef,
  executeStepAttempt,
  type StartRequest,
  type StepOutcome,
  type StepRequest,
  type WaitOutcome,
} from '@durable-runtime/core/spi';
import { JournalCursor } from './journal.js';
import { jsonCopy } from './json-copy.js';
import { type LiveExecution, never, type WaitResult } from './live-execution.js';
import { deleteOwn, hasOwnKey, ownValue, setOwn } from './own-keys.js';
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
  stepStarted(): void;
  stepFinished(): void;
}

const CANCELLED = (): ErrorShape => toErrorShape(new CancelledError());

/**
 * The memory engine's {@link EngineContext}: every operation goes through the journal, so a replay returns recorded
 * results and a diverging replay fails with a `NonDeterminismError`.
 */
export class MemoryEngineContext implements EngineContext {
  readonly #cursor: JournalCursor;
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
  }

  get executionId(): string {
    return this.live.record.id;
  }

  get workflowName(): string {
    return this.live.record.workflowName;
  }

  async runStep(request: StepRequest): Promise<StepOutcome> {
    const entry = this.#next('step', request.stepName);
    if (!entry.result && !entry.cancelled) {
      if (this.#cancelPending()) this.#save(() => (entry.cancelled = true));
      else await this.#attempts(entry, request);
    }
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
    const abort = new AbortController();
    const stopWatching = interruptible ? this.live.onCancel(() => abort.abort()) : () => {};
    try {
      while (!entry.result && !abort.signal.aborted) {
        if (!this.host.isAlive()) return never();
        if (entry.retryAt !== undefined) {
          const waited = await this.live.wait(() => undefined, entry.retryAt, interruptible);
          if (waited.kind === 'cancelled') break;
        }
        const failed = entry.failedAttempts ?? 0;
        // Persisted before the attempt runs: the journal shows the step as started.
        this.#save(() => delete entry.retryAt);
        const result = await this.#attempt(request, step, failed + 1, abort.signal);
        if (!this.host.isAlive()) return never();
        if (abort.signal.aborted) break;
        this.#save(() => {
          if ('value' in result) {
            entry.result = result;
            return;
          }
          entry.failedAttempts = failed + 1;
          const decision = retryDecision(request.retry, failed + 1, result.error);
          if (decision.retry) entry.retryAt = this.host.now() + decision.delayMs;
          else entry.result = result;
        });
      }
      if (abort.signal.aborted && !entry.result) this.#save(() => (entry.cancelled = true));
    } finally {
      stopWatching();
    }
  }

  async sleep(ms: number): Promise<void> {
    const entry = this.#next('sleep', '');
    if (!entry.result) {
      const deadline = this.#deadline(entry, ms) as number;
      const waited = await this.live.wait(() => undefined, deadline);
      this.#complete(entry, waited.kind === 'cancelled' ? { error: CANCELLED() } : { value: null });
    }
    this.#unwrap(entry);
  }

  async promise(name: string, timeoutMs: number | undefined): Promise<WaitOutcome> {
    const entry = this.#next('promise', name);
    if (!entry.result) {
      const deadline = this.#deadline(entry, timeoutMs);
      const waited = await this.live.wait(() => ownValue(this.live.record.promises, name), deadline);
      this.#complete(
        entry,
        waitResultToEntry(waited, (settlement) => settlement),
      );
    }
    return this.#unwrap(entry) as WaitOutcome;
  }

  async receive(channel: string, timeoutMs: number | undefined): Promise<WaitOutcome> {
    const entry = this.#next('receive', channel);
    if (!entry.result) {
      const deadline = this.#deadline(entry, timeoutMs);
      const waited = await this.live.wait(() => this.#takeMessage(entry, channel), deadline);
      if (waited.kind !== 'ready')
        this.#complete(
          entry,
          waitResultToEntry(waited, () => ({ kind: 'timeout' })),
        );
    }
    return this.#unwrap(entry) as WaitOutcome;
  }

  /** Takes the oldest message and records it in the same write, so no concurrent receive can take it too. */
  #takeMessage(entry: JournalEntry, channel: string): true | undefined {
    const queue = ownValue(this.live.record.mailbox, channel);
    if (!queue?.length) return undefined;
    this.#save(() => {
      entry.result = { value: { kind: 'value', value: queue.shift() } };
    });
    return true;
  }

  async getState(key: string): Promise<unknown> {
    const entry = this.#next('state.get', key);
    if (!entry.result) {
      const state = this.live.record.state;
      this.#complete(entry, { value: hasOwnKey(state, key) ? { value: state[key] } : {} });
    }
    return (this.#unwrap(entry) as { value?: unknown }).value;
  }

  async setState(key: string, value: unknown): Promise<void> {
    const entry = this.#next('state.set', key);
    if (!entry.result) {
      this.#save(() => {
        setOwn(this.live.record.state, key, value);
        entry.result = { value: null };
      });
    }
  }

  async deleteState(key: string): Promise<void> {
    const entry = this.#next('state.delete', key);
    if (!entry.result) {
      this.#save(() => {
        deleteOwn(this.live.record.state, key);
        entry.result = { value: null };
      });
    }
  }

  async send(target: ExecutionRef, channel: string, message: unknown): Promise<void> {
    const entry = this.#next('send', `${target.workflowName}/${target.executionId}#${channel}`);
    if (!entry.result) {
      try {
        this.host.deliver(target, channel, message);
        this.#complete(entry, { value: null });
      } catch (error) {
        this.#complete(entry, { error: toErrorShape(error) });
      }
    }
    this.#unwrap(entry);
  }

  /** Waits for a child; a cancellation of this execution cancels the child and interrupts the wait. */
  async callChild(request: StartRequest): Promise<ExecutionOutcome> {
    const entry = this.#next('call', `${request.workflowName}/${request.executionId}`);
    if (!entry.result) {
      if (this.live.record.cancelRequested) {
        this.#complete(entry, { error: CANCELLED() });
      } else {
        try {
          this.host.startExecution(request);
        } catch (error) {
          this.#complete(entry, { error: toErrorShape(error) });
          return this.#unwrap(entry) as never;
        }
        const outcome = await this.#childOutcomeOrCancel(request);
        this.#complete(entry, outcome ? { value: outcome } : { error: CANCELLED() });
      }
    }
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
      if (!this.host.isAlive()) return never();
      if (outcome === undefined) this.host.cancelExecution(request);
      return outcome;
    } finally {
      stopWatching();
    }
  }

  async startChild(request: StartRequest, delayMs: number | undefined): Promise<void> {
    const entry = this.#next('start', `${request.workflowName}/${request.executionId}`);
    if (!entry.result) {
      try {
        this.host.startExecution(request, delayMs);
        this.#complete(entry, { value: null });
      } catch (error) {
        this.#complete(entry, { error: toErrorShape(error) });
      }
    }
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
    if (!entry.result) this.#complete(entry, { value: produce() });
    return this.#unwrap(entry) as T;
  }

  async #attempt(request: StepRequest, step: ReturnType<Registry['step']>, attempt: number, cancel: AbortSignal) {
    const info = { attempt, executionId: this.executionId, stepName: request.stepName };
    this.host.stepStarted();
    try {
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
      return this.#cursor.next(kind, name);
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
    this.#save(() => (entry.result = result));
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
