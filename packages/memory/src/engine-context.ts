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
  type AttemptOptions,
  type CancelSignal,
  type EngineContext,
  type ExecutionOutcome,
  type ExecutionRef,
  type StartRequest,
  type StepOutcome,
  type StepRequest,
  startStepAttempt,
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

/** A step attempt as recorded: its JSON result, or the shape of the error it threw. */
type AttemptResult = { value: unknown } | { error: ErrorShape };

/**
 * The memory engine's {@link EngineContext}: every operation goes through the journal, so a replay returns recorded
 * results and a diverging replay fails with a `NonDeterminismError`.
 */
export class MemoryEngineContext implements EngineContext {
  readonly #cursor: JournalCursor;
  /** Entries completed before this run: their results are handed back in the order they completed. */
  readonly #replayed = new WeakSet<JournalEntry>();
  /** Only for an execution that completed operations before this run: there is nothing to replay otherwise. */
  readonly #replayOrder: ReplayOrder | undefined;
  /**
   * The workflow has been thrown a `CancelledError`: from then on steps run to their end (compensation) while new
   * waits throw at once. Known again on replay from the journal.
   */
  #cancelDelivered = false;
  #cancellableAttempt: AttemptOptions | undefined;
  /** Set when a replay diverged from the journal: the execution fails with it whatever the workflow catches. */
  divergence: NonDeterminismError | undefined;

  constructor(
    private readonly live: LiveExecution,
    private readonly host: WorkflowHost,
  ) {
    this.#cursor = new JournalCursor(live.record);
    const recorded = live.record.completions ?? 0;
    this.#replayOrder = recorded > 0 ? new ReplayOrder(recorded, (done) => this.#stalled(done)) : undefined;
  }

  get executionId(): string {
    return this.live.record.id;
  }

  get workflowName(): string {
    return this.live.record.workflowName;
  }

  runStep(request: StepRequest): Promise<StepOutcome> {
    let entry: JournalEntry;
    try {
      entry = this.#next('step', request.stepName);
    } catch (error) {
      return Promise.reject(error);
    }
    const replayed = this.#wasReplayed(entry);
    if (replayed || entry.result || entry.cancelled || entry.retryAt !== undefined || this.#cancelPending()) {
      return this.#resumeStep(entry, request);
    }
    // Nearly every step: a new one, whose first attempt runs at once. Without an async frame or a promise per
    // layer, since every step of every execution passes here.
    return new Promise((resolve, reject) => this.#firstAttempt(entry, request, resolve, reject));
  }

  /** A step recorded before this run (its result is handed back in its turn), cancelled, or waiting for a retry. */
  async #resumeStep(entry: JournalEntry, request: StepRequest): Promise<StepOutcome> {
    const turn = this.#inTurn(entry);
    if (turn) await turn;
    if (!entry.result && !entry.cancelled) {
      if (this.#cancelPending()) this.#save(() => this.#markCancelled(entry));
      else await this.#attempts(entry, request);
    }
    return this.#handBack(entry);
  }

  /**
   * The first attempt of a new step. A cancellation requested meanwhile (and not yet delivered to the workflow)
   * aborts it and marks the step cancelled; once a cancellation was delivered, steps run to their end (compensation).
   */
  #firstAttempt(
    entry: JournalEntry,
    request: StepRequest,
    resolve: (outcome: StepOutcome | Promise<StepOutcome>) => void,
    reject: (error: unknown) => void,
  ): void {
    const cancel = this.#attemptCancelSignal();
    const failed = entry.failedAttempts ?? 0;
    this.#attempt(request, failed + 1, cancel, (result) => {
      // Abandoned (the engine stopped, or another worker runs the execution): the workflow never gets the outcome.
      if (!this.live.isAlive()) return;
      if (this.#recordAttempt(entry, request, failed, result, cancel) && !entry.result) {
        resolve(this.#attempts(entry, request).then(() => this.#handBack(entry)));
        return;
      }
      if (cancel?.aborted && !entry.result) this.#save(() => this.#markCancelled(entry));
      try {
        resolve(this.#handBack(entry));
      } catch (error) {
        reject(error);
      }
    });
  }

  /** The step's outcome for the workflow, once it is its turn to reach it (see {@link ReplayOrder}). */
  #handBack(entry: JournalEntry): StepOutcome | Promise<StepOutcome> {
    const handedBack = this.#afterReplay(entry);
    return handedBack ? handedBack.then(() => this.#stepOutcome(entry)) : this.#stepOutcome(entry);
  }

  #stepOutcome(entry: JournalEntry): StepOutcome | Promise<StepOutcome> {
    if (entry.cancelled) return this.#throwCancelled();
    const result = entry.result;
    if (!result) return never();
    return 'value' in result
      ? { ok: true, value: jsonCopy(result.value) }
      : { ok: false, error: result.error, attempts: entry.failedAttempts ?? 1 };
  }

  /** Runs attempts until one is recorded, each after its backoff; stops at a cancellation, as a first attempt does. */
  async #attempts(entry: JournalEntry, request: StepRequest): Promise<void> {
    const cancel = this.#attemptCancelSignal();
    const cancelled = () => cancel?.aborted === true;
    while (!entry.result && !cancelled()) {
      if (!this.live.isAlive()) return never();
      if (entry.retryAt !== undefined) {
        const waited = await this.live.wait(() => undefined, entry.retryAt, cancel !== undefined);
        if (waited.kind === 'cancelled') break;
      }
      const failed = entry.failedAttempts ?? 0;
      // A retry's wait is over: persisted (with the step's entry) before the attempt runs. A first attempt writes
      // nothing: what came before it is made durable by stepStarted, and a crash during it re-runs it either way.
      if (entry.retryAt !== undefined) this.#save(() => delete entry.retryAt);
      const result = await new Promise<AttemptResult>((resolve) => this.#attempt(request, failed + 1, cancel, resolve));
      if (!this.live.isAlive()) return never();
      if (!this.#recordAttempt(entry, request, failed, result, cancel)) break;
    }
    if (cancelled() && !entry.result) this.#save(() => this.#markCancelled(entry));
  }

  /** What aborts an attempt: the execution's cancellation, unless one was delivered already (compensation runs on). */
  #attemptCancelSignal(): CancelSignal | undefined {
    return this.#cancelDelivered ? undefined : this.live.cancelSignal;
  }

  /** Records an attempt's result, or the retry it earns; false (nothing recorded) when a cancellation came meanwhile. */
  #recordAttempt(
    entry: JournalEntry,
    request: StepRequest,
    failed: number,
    result: AttemptResult,
    cancel: CancelSignal | undefined,
  ): boolean {
    if (cancel?.aborted) return false;
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
    return true;
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

  /** Runs one attempt and calls `done` with its result or the error it threw; never when the execution was abandoned. */
  #attempt(
    request: StepRequest,
    attempt: number,
    cancel: CancelSignal | undefined,
    done: (result: AttemptResult) => void,
  ): void {
    const step = this.host.registry.step(request.stepName);
    this.host.stepStarted(this.executionId);
    // Making the progress durable found the execution claimed by another worker: this copy runs nothing more.
    if (!this.live.isAlive()) {
      this.host.stepFinished();
      return;
    }
    const info = { attempt, executionId: this.executionId, stepName: request.stepName };
    startStepAttempt(step, request.args, info, this.#attemptOptions(request.timeoutMs, cancel), (settled) => {
      this.host.stepFinished();
      done('value' in settled ? settled : { error: toErrorShape(settled.error) });
    });
  }

  /** The options of an attempt; those of most (no timeout, the execution's cancellation) made once per run. */
  #attemptOptions(timeoutMs: number | undefined, cancel: CancelSignal | undefined): AttemptOptions {
    const { maxPayloadBytes } = this.host;
    if (timeoutMs !== undefined || cancel === undefined) return { timeoutMs, cancelSignal: cancel, maxPayloadBytes };
    this.#cancellableAttempt ??= { cancelSignal: cancel, maxPayloadBytes };
    return this.#cancellableAttempt;
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
    if (this.#wasReplayed(entry)) return undefined;
    // Its place in the order results reach the workflow, which a replay reproduces. Persisted with the next write:
    // an entry recorded without it was the last to complete, which is where a replay hands it back.
    if (!this.#replayOrder?.replaying) {
      entry.done ??= this.#nextDone();
      return undefined;
    }
    return this.#replayOrder.liveTurn().then(() => {
      entry.done ??= this.#nextDone();
    });
  }

  /** On replay, waits until every operation that completed before this one has been handed back. */
  #wasReplayed(entry: JournalEntry): boolean {
    return this.#replayed.has(entry);
  }

  #inTurn(entry: JournalEntry): Promise<void> | undefined {
    return this.#wasReplayed(entry) ? this.#replayOrder?.turn(entry.done as number) : undefined;
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
