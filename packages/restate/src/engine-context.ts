import {
  CancelledError,
  ExecutionEndedError,
  ExecutionNotFoundError,
  idOwnedByOtherWorkflow,
  type Registry,
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
import * as restate from '@restatedev/restate-sdk';
import { AwaitDriver } from './await-driver.js';
import type { CancellationWatch } from './cancellation-watch.js';
import { ChannelReader } from './channel-reader.js';
import { describeExecution, nextUnrecordedWait, type RunExists, UNRECORDED_WAIT } from './execution-record.js';
import { outcomeOfFailure } from './failures.js';
import {
  type Checked,
  type ExecutionRecord,
  messageKey,
  promiseKey,
  type RunInput,
  type RunOutput,
  type SendInput,
  type ServiceNames,
  type StoredValue,
  stateKey,
} from './protocol.js';
import { InFlightAttempts, runStep } from './step-runner.js';

/** What the context needs besides the Restate context. */
export interface ContextDependencies {
  readonly registry: Registry;
  readonly names: ServiceNames;
  readonly runExists: RunExists;
  readonly maxPayloadBytes: number;
  readonly cancellations: CancellationWatch;
}

/**
 * The adapter's {@link EngineContext} on a Restate workflow context: every operation is a Restate command, journaled
 * and replayed by Restate, which also detects a replay that diverges (journal mismatch).
 *
 * Every Restate promise is awaited through an {@link AwaitDriver}, so that workflow code may wait for several operations
 * at once (`Promise.all`).
 *
 * Cancellation: Restate interrupts the pending waits once, with its `CancelledError`; the step attempts in flight are
 * told through their `info.signal`. The context remembers it, so that every later sleep, promise, receive or call is
 * interrupted too, as the spec requires, while steps, state, sends and fire-and-forget starts still work
 * (compensation). The flag is rebuilt identically on replay (the cancellation is in the journal).
 */
export class RestateEngineContext implements EngineContext {
  readonly #driver = new AwaitDriver();
  readonly #attempts: InFlightAttempts;
  #cancelled = false;
  /** The receives of each channel, with its next message's sequence number: rebuilt identically on replay. */
  #readers: Map<string, ChannelReader> | undefined;

  constructor(
    private readonly ctx: restate.WorkflowContext,
    readonly workflowName: string,
    private readonly dependencies: ContextDependencies,
  ) {
    this.#attempts = new InFlightAttempts(dependencies.cancellations, ctx.request().id);
  }

  get executionId(): string {
    return this.ctx.key;
  }

  runStep(request: StepRequest): Promise<StepOutcome> {
    const { registry, maxPayloadBytes } = this.dependencies;
    const guard = <T>(promise: restate.RestatePromise<T>) => this.#guard(promise);
    const guardDeferred = <T>(create: (concurrent: boolean) => restate.RestatePromise<T>) =>
      this.#driver.waitDeferred(create).catch(this.#onWaitFailure);
    const stepService = this.dependencies.names.step;
    const dependencies = { registry, attempts: this.#attempts, maxPayloadBytes, guard, guardDeferred, stepService };
    return runStep(this.ctx, request, dependencies).catch(this.#onWaitFailure);
  }

  sleep(ms: number): Promise<void> {
    return this.#wait(this.ctx.sleep(ms));
  }

  async promise(name: string, timeoutMs: number | undefined): Promise<WaitOutcome> {
    const settled = await this.#waitFor(this.ctx.promise<PromiseSettlement>(promiseKey(name)).get(), timeoutMs);
    return settled ?? { kind: 'timeout' };
  }

  receive(channel: string, timeoutMs: number | undefined): Promise<WaitOutcome> {
    if (this.#cancelled) return Promise.reject(new CancelledError());
    this.#readers ??= new Map();
    let reader = this.#readers.get(channel);
    if (!reader) {
      reader = new ChannelReader({
        message: (seq) => this.ctx.promise<PromiseSettlement>(messageKey(channel, seq)).get(),
        timer: (ms) => this.ctx.sleep(ms),
        wait: (promise) => this.#guard(promise),
        forget: (promise) => this.#driver.forget(promise),
      });
      this.#readers.set(channel, reader);
    }
    return reader.receive(timeoutMs);
  }

  async getState(key: string): Promise<unknown> {
    const stored = await this.#guard(this.ctx.get<StoredValue>(stateKey(key)));
    return stored === null ? undefined : stored.v;
  }

  async setState(key: string, value: unknown): Promise<void> {
    this.ctx.set<StoredValue>(stateKey(key), { v: value });
  }

  async deleteState(key: string): Promise<void> {
    this.ctx.clear(stateKey(key));
  }

  async send(target: ExecutionRef, channel: string, message: unknown): Promise<void> {
    const input: SendInput = { workflowName: target.workflowName, channel, message };
    for (let wait = UNRECORDED_WAIT.firstMs; ; wait = nextUnrecordedWait(wait)) {
      const answer = await this.#guard(
        this.#call<SendInput, Checked<null>>(this.dependencies.names.mailbox, 'send', target.executionId, input),
      );
      if (answer.execution === 'found') return;
      if (answer.execution === 'ended') {
        throw new ExecutionEndedError(target.workflowName, target.executionId, answer.status);
      }
      if (answer.execution === 'other' || !(await this.#runExists(target.executionId))) {
        throw new ExecutionNotFoundError(target.workflowName, target.executionId);
      }
      await this.#guard(this.ctx.sleep(wait, 'unrecorded execution'));
    }
  }

  async callChild(request: StartRequest): Promise<ExecutionOutcome> {
    if (this.#cancelled) throw new CancelledError();
    this.#send(request, undefined);
    let record: ExecutionRecord;
    try {
      record = await this.#record(request);
    } catch (error) {
      // Cancelled before the child recorded itself: the child is cancelled too, as soon as its record tells its
      // invocation (the reads and timers of `#record` still work after a cancellation).
      if (CancelledError.is(error)) {
        const started = await this.#record(request).catch(() => undefined);
        if (started) this.ctx.invocation(restate.InvocationIdParser.fromString(started.invocationId)).cancel();
      }
      throw error;
    }
    const child = restate.InvocationIdParser.fromString(record.invocationId);
    try {
      return (await this.#guard(this.ctx.invocation(child).attach<RunOutput>())).outcome;
    } catch (error) {
      if (CancelledError.is(error)) {
        // The parent was cancelled while it waited: the child it waited for is cancelled too (Restate cancels the
        // children of calls, not of the one-way send that started this child).
        this.ctx.invocation(child).cancel();
        throw error;
      }
      // A failure of the child's invocation itself.
      if (!(error instanceof restate.TerminalError)) throw error;
      return outcomeOfFailure(error.code, error.message);
    }
  }

  async startChild(request: StartRequest, delayMs: number | undefined): Promise<void> {
    this.#send(request, delayMs);
    await this.#record(request);
  }

  async now(): Promise<number> {
    return this.#guard(this.ctx.date.now());
  }

  async random(): Promise<number> {
    return this.ctx.rand.random();
  }

  async uuid(): Promise<string> {
    return this.ctx.rand.uuidv4();
  }

  /** Sends the child's run (Restate runs one per id). */
  #send(request: StartRequest, delayMs: number | undefined): void {
    const { registry, names } = this.dependencies;
    registry.workflow(request.workflowName); // ValidationError for an unregistered child, as on every backend
    const input: RunInput = {
      workflowName: request.workflowName,
      runId: this.ctx.rand.uuidv4(),
      input: request.input,
      ...(delayMs !== undefined && delayMs > 0 ? { delayMs } : {}),
    };
    this.ctx.genericSend({
      service: names.workflow,
      method: 'run',
      key: request.executionId,
      parameter: input,
      inputSerde: restate.serde.json as restate.Serde<RunInput>,
      // No WORKFLOW_HEADER: the journal compares a send's headers on replay, so adding one would fail the parents
      // that an earlier version of the adapter started. A child normally records itself at once.
    });
  }

  /** The child's record, once written (its workflow checked). */
  async #record(request: StartRequest): Promise<ExecutionRecord> {
    const { names } = this.dependencies;
    for (let wait = UNRECORDED_WAIT.firstMs; ; wait = nextUnrecordedWait(wait)) {
      const record = await this.#guard(describeExecution(this.ctx, names, request.executionId));
      if (record?.workflowName === request.workflowName) return record;
      if (record) throw idOwnedByOtherWorkflow(request.executionId, record.workflowName, request.workflowName);
      // The child's run has not begun yet (it normally does within milliseconds).
      await this.#guard(this.ctx.sleep(wait, 'unrecorded execution'));
    }
  }

  /** Whether the run of `executionId` exists, asked once through the ingress and journaled. */
  #runExists(executionId: string): Promise<boolean> {
    return this.#guard(this.ctx.run('execution exists', () => this.dependencies.runExists(executionId)));
  }

  #call<I, O>(service: string, method: string, key: string, parameter: I): restate.RestatePromise<O> {
    return this.ctx.genericCall<I, O>({
      service,
      method,
      key,
      parameter,
      inputSerde: restate.serde.json as restate.Serde<I>,
      outputSerde: restate.serde.json as restate.Serde<O>,
    });
  }

  /** A wait that a cancellation interrupts; `undefined` when `timeoutMs` elapsed first. */
  async #waitFor<T>(promise: restate.RestatePromise<T>, timeoutMs: number | undefined): Promise<T | undefined> {
    try {
      return await this.#wait(timeoutMs === undefined ? promise : promise.orTimeout(timeoutMs));
    } catch (error) {
      if (error instanceof restate.TimeoutError) return undefined;
      throw error;
    }
  }

  #wait<T>(promise: restate.RestatePromise<T>): Promise<T> {
    if (this.#cancelled) return Promise.reject(new CancelledError());
    return this.#guard(promise);
  }

  // Chained rather than awaited: every pending wait of every execution goes through here, and a suspended async frame
  // per wait would stay alive as long as the wait.
  #guard<T>(promise: Promise<T>): Promise<T> {
    return this.#driver.wait(promise).catch(this.#onWaitFailure);
  }

  readonly #onWaitFailure = (error: unknown): never => {
    // Restate's cancellation, or core's for an attempt that the cancellation aborted (see runStep).
    if (error instanceof restate.CancelledError || CancelledError.is(error)) {
      this.#cancelled = true;
      this.#attempts.abortAll();
      throw new CancelledError();
    }
    throw error;
  };
}
