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
import { outcomeOfFailure } from './failures.js';
import {
  type ExecutionInfo,
  messageKey,
  promiseKey,
  type RunOutput,
  type SendInput,
  type SendResult,
  type ServiceNames,
  type StartInput,
  type StartResult,
  type StoredValue,
  stateKey,
} from './protocol.js';
import { runStep } from './step-runner.js';

/** How long a parent waits before attaching again when its child's run is not visible yet (a rare race). */
const ATTACH_RETRY_MS = 50;

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
  readonly #cursors = new Map<string, number>();

  constructor(
    private readonly ctx: restate.WorkflowContext,
    readonly workflowName: string,
    private readonly registry: Registry,
    private readonly services: ServiceNames,
  ) {}

  get executionId(): string {
    return this.ctx.key;
  }

  runStep(request: StepRequest): Promise<StepOutcome> {
    return runStep(this.ctx, this.registry, request, (promise) => this.#guard(promise));
  }

  async sleep(ms: number): Promise<void> {
    await this.#wait(this.ctx.sleep(ms));
  }

  async promise(name: string, timeoutMs: number | undefined): Promise<WaitOutcome> {
    const settled = await this.#waitFor(this.ctx.promise<PromiseSettlement>(promiseKey(name)).get(), timeoutMs);
    return settled ?? { kind: 'timeout' };
  }

  async receive(channel: string, timeoutMs: number | undefined): Promise<WaitOutcome> {
    const seq = this.#cursors.get(channel) ?? 0;
    const message = await this.#waitFor(this.ctx.promise<PromiseSettlement>(messageKey(channel, seq)).get(), timeoutMs);
    if (!message) return { kind: 'timeout' };
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
    const result = await this.#guard(this.#call<SendInput, SendResult>('send', target.executionId, input));
    if (!result.delivered) throw new ExecutionNotFoundError(target.workflowName, target.executionId);
  }

  async callChild(request: StartRequest): Promise<ExecutionOutcome> {
    const started = await this.#start(request, undefined);
    if (started.outcome) return started.outcome;
    const invocation = this.ctx.invocation(restate.InvocationIdParser.fromString(started.invocationId));
    for (;;) {
      try {
        return (await this.#guard(invocation.attach<RunOutput>())).outcome;
      } catch (error) {
        // A failure of the child's invocation itself (the parent's cancellation arrives as core's CancelledError).
        if (!(error instanceof restate.TerminalError)) throw error;
        if (error.code !== 404) return outcomeOfFailure(error.code, error.message);
      }
      // No run: cancelled before it started (its record has the outcome), or not visible yet.
      const info = await this.#guard(this.#call<null, ExecutionInfo | null>('info', request.executionId, null));
      if (info?.outcome) return info.outcome;
      await this.#wait(this.ctx.sleep(ATTACH_RETRY_MS, 'attach retry'));
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

  async #start(request: StartRequest, delayMs: number | undefined): Promise<StartResult> {
    this.registry.workflow(request.workflowName); // ValidationError for an unregistered child, as on every backend
    const input: StartInput = {
      workflowName: request.workflowName,
      input: request.input,
      ...(delayMs !== undefined && delayMs > 0 ? { delayMs } : {}),
    };
    const started = await this.#guard(this.#call<StartInput, StartResult>('start', request.executionId, input));
    if (started.workflowName !== request.workflowName) {
      throw new ValidationError(
        `Execution id '${request.executionId}' already belongs to workflow '${started.workflowName}', not '${request.workflowName}'`,
      );
    }
    return started;
  }

  #call<I, O>(method: string, key: string, parameter: I): restate.RestatePromise<O> {
    return this.ctx.genericCall<I, O>({
      service: this.services.execution,
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
    if (this.#cancelled) throw new CancelledError('The execution was cancelled');
    return this.#guard(promise);
  }

  async #guard<T>(promise: Promise<T>): Promise<T> {
    try {
      return await this.#driver.wait(promise);
    } catch (error) {
      if (error instanceof restate.CancelledError) {
        this.#cancelled = true;
        throw new CancelledError('The execution was cancelled');
      }
      throw error;
    }
  }
}
