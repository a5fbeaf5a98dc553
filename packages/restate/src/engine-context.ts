import { CancelledError, ExecutionNotFoundError, type Registry, ValidationError } from '@durable-runtime/core';
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
import { runStep } from './step-runner.js';

/** What the context needs besides the Restate context. */
export interface ContextDependencies {
  readonly registry: Registry;
  readonly names: ServiceNames;
  readonly runExists: RunExists;
}

/**
 * The adapter's {@link EngineContext} on a Restate workflow context: every operation is a Restate command, journaled
 * and replayed by Restate, which also detects a replay that diverges (journal mismatch).
 *
 * Every Restate promise is awaited through an {@link AwaitDriver}, so that workflow code may wait for several operations
 * at once (`Promise.all`).
 *
 * Cancellation: Restate interrupts the pending waits once, with its `CancelledError`. The context remembers it, so that
 * every later sleep, promise or receive is interrupted too, as the spec requires. The flag is rebuilt identically on
 * replay (the cancellation is in the journal).
 */
export class RestateEngineContext implements EngineContext {
  readonly #driver = new AwaitDriver();
  #cancelled = false;
  /** Next message sequence number per channel: rebuilt on replay, since receives replay identically. */
  #cursors: Map<string, number> | undefined;

  constructor(
    private readonly ctx: restate.WorkflowContext,
    readonly workflowName: string,
    private readonly dependencies: ContextDependencies,
  ) {}

  get executionId(): string {
    return this.ctx.key;
  }

  runStep(request: StepRequest): Promise<StepOutcome> {
    return runStep(this.ctx, this.dependencies.registry, request, (promise) => this.#guard(promise));
  }

  sleep(ms: number): Promise<void> {
    return this.#wait(this.ctx.sleep(ms));
  }

  async promise(name: string, timeoutMs: number | undefined): Promise<WaitOutcome> {
    const settled = await this.#waitFor(this.ctx.promise<PromiseSettlement>(promiseKey(name)).get(), timeoutMs);
    return settled ?? { kind: 'timeout' };
  }

  async receive(channel: string, timeoutMs: number | undefined): Promise<WaitOutcome> {
    const seq = this.#cursors?.get(channel) ?? 0;
    const message = await this.#waitFor(this.ctx.promise<PromiseSettlement>(messageKey(channel, seq)).get(), timeoutMs);
    if (!message) return { kind: 'timeout' };
    this.#cursors ??= new Map();
    this.#cursors.set(channel, seq + 1);
    return message;
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
      if (answer.execution === 'other' || !(await this.#runExists(target.executionId))) {
        throw new ExecutionNotFoundError(target.workflowName, target.executionId);
      }
      await this.#wait(this.ctx.sleep(wait, 'unrecorded execution'));
    }
  }

  async callChild(request: StartRequest): Promise<ExecutionOutcome> {
    const record = await this.#start(request, undefined);
    try {
      return (
        await this.#guard(
          this.ctx.invocation(restate.InvocationIdParser.fromString(record.invocationId)).attach<RunOutput>(),
        )
      ).outcome;
    } catch (error) {
      // A failure of the child's invocation itself (the parent's cancellation arrives as core's CancelledError).
      if (!(error instanceof restate.TerminalError)) throw error;
      return outcomeOfFailure(error.code, error.message);
    }
  }

  async startChild(request: StartRequest, delayMs: number | undefined): Promise<void> {
    await this.#start(request, delayMs);
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

  /** Sends the child's run (Restate runs one per id) and returns its record, once written, checking its workflow. */
  async #start(request: StartRequest, delayMs: number | undefined): Promise<ExecutionRecord> {
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
    });
    for (let wait = UNRECORDED_WAIT.firstMs; ; wait = nextUnrecordedWait(wait)) {
      const record = await this.#guard(describeExecution(this.ctx, names, request.executionId));
      if (record?.workflowName === request.workflowName) return record;
      if (record) {
        throw new ValidationError(
          `Execution id '${request.executionId}' already belongs to workflow '${record.workflowName}', not '${request.workflowName}'`,
        );
      }
      // The child's run has not begun yet (it normally does within milliseconds).
      await this.#wait(this.ctx.sleep(wait, 'unrecorded execution'));
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
    if (this.#cancelled) return Promise.reject(new CancelledError('The execution was cancelled'));
    return this.#guard(promise);
  }

  // Chained rather than awaited: every pending wait of every execution goes through here, and a suspended async frame
  // per wait would stay alive as long as the wait.
  #guard<T>(promise: Promise<T>): Promise<T> {
    return this.#driver.wait(promise).catch(this.#onWaitFailure);
  }

  readonly #onWaitFailure = (error: unknown): never => {
    if (error instanceof restate.CancelledError) {
      this.#cancelled = true;
      throw new CancelledError('The execution was cancelled');
    }
    throw error;
  };
}
