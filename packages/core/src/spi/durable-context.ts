import type {
  CallOptions,
  ChildExecution,
  DurableContext,
  ExecutionState,
  ExecutionTarget,
  StartChildOptions,
  StepOptions,
  WaitOptions,
} from '../context.js';
import {
  type AnyWorkflow,
  type InputOf,
  isStepDefinition,
  isWorkflowDefinition,
  type OutputOf,
  type StepDefinition,
} from '../definitions.js';
import { type Duration, parseDuration } from '../duration.js';
import { fromErrorShape, StepFailedError, TimeoutError, ValidationError, WorkflowFailedError } from '../errors.js';
import { assertExecutionId, assertName, childExecutionId } from '../ids.js';
import { DEFAULT_MAX_PAYLOAD_BYTES, toPayload } from '../payload.js';
import { DEFAULT_RETRY_POLICY, type ResolvedRetryPolicy, type RetryPolicy, resolveRetryPolicy } from '../retry.js';
import { parseWithSchema } from '../validation.js';
import { callAsync } from './call-async.js';
import type { EngineContext, ExecutionOutcome, WaitOutcome } from './engine.js';

/**
 * Builds the public {@link DurableContext} over an adapter's {@link EngineContext}: checks arguments, converts
 * durations, resolves retry policies, derives child ids and turns outcomes into the API's errors, identically for
 * every backend.
 */
export function createDurableContext(
  engine: EngineContext,
  maxPayloadBytes: number = DEFAULT_MAX_PAYLOAD_BYTES,
): DurableContext {
  return new EngineDurableContext(engine, maxPayloadBytes);
}

/**
 * A class, so that its methods live on the prototype: a context lives as long as its execution runs, and closures
 * built per execution would be kept alive (and collected) for every one of them. Methods are called on the context
 * (`ctx.sleep(...)`), as with Restate's context.
 */
class EngineDurableContext implements DurableContext {
  readonly #engine: EngineContext;
  readonly #maxPayloadBytes: number;
  /** Child executions started so far, per workflow name: created on the first child (most executions have none). */
  #childCounts: Map<string, number> | undefined;
  #state: ExecutionState | undefined;

  constructor(engine: EngineContext, maxPayloadBytes: number) {
    this.#engine = engine;
    this.#maxPayloadBytes = maxPayloadBytes;
  }

  get executionId(): string {
    return this.#engine.executionId;
  }

  get workflowName(): string {
    return this.#engine.workflowName;
  }

  get state(): ExecutionState {
    this.#state ??= new EngineExecutionState(this.#engine, this.#maxPayloadBytes);
    return this.#state;
  }

  async run<TArgs, TResult>(
    step: StepDefinition<string, TArgs, TResult>,
    args: TArgs,
    options?: StepOptions,
  ): Promise<TResult> {
    if (!isStepDefinition(step)) {
      throw new ValidationError('ctx.run expects a step created with defineStep(name, fn) as its first argument');
    }
    const outcome = await this.#engine.runStep({
      stepName: step.name,
      args: toPayload(args, `arguments of step '${step.name}'`, this.#maxPayloadBytes),
      retry: optionalRetry(options?.retry, 'ctx.run', step.name),
      timeoutMs: optionalDuration(options?.timeout, 'ctx.run', step.name, 'timeout'),
    });
    if (!outcome.ok) throw new StepFailedError(step.name, outcome.attempts, outcome.error);
    return outcome.value as TResult;
  }

  sleep(duration: Duration): Promise<void> {
    return callAsync(() => this.#engine.sleep(parseDuration(duration, 'ctx.sleep duration')));
  }

  async sleepUntil(time: Date | number): Promise<void> {
    const target = time instanceof Date ? time.getTime() : time;
    if (!Number.isFinite(target)) throw new ValidationError(`ctx.sleepUntil: invalid time ${String(time)}`);
    const now = await this.#engine.now();
    await this.#engine.sleep(Math.max(0, target - now));
  }

  async promise<T>(name: string, options?: WaitOptions): Promise<T> {
    assertName(name, 'promise name');
    const timeoutMs = optionalDuration(options?.timeout, 'ctx.promise', name, 'timeout');
    const outcome = await this.#engine.promise(name, timeoutMs);
    return unwrapWait(outcome, () => `Promise '${name}' timed out after ${timeoutMs}ms`) as T;
  }

  async send(target: ExecutionTarget, channel: string, message: unknown): Promise<void> {
    const workflowName = workflowNameOf(target.workflow, 'ctx.send target.workflow');
    assertExecutionId(target.id, 'ctx.send target.id');
    assertName(channel, 'channel');
    const json = toPayload(message, `message on channel '${channel}'`, this.#maxPayloadBytes);
    await this.#engine.send({ workflowName, executionId: target.id }, channel, json);
  }

  async receive<T>(channel: string, options?: WaitOptions): Promise<T> {
    assertName(channel, 'channel');
    const timeoutMs = optionalDuration(options?.timeout, 'ctx.receive', channel, 'timeout');
    const outcome = await this.#engine.receive(channel, timeoutMs);
    return unwrapWait(outcome, () => `Receive on channel '${channel}' timed out after ${timeoutMs}ms`) as T;
  }

  async call<W extends AnyWorkflow>(workflow: W, input: InputOf<W>, options?: CallOptions): Promise<OutputOf<W>> {
    const request = this.#childRequest(workflow, input, options);
    const outcome = await this.#engine.callChild(request);
    return unwrapChild(outcome, request.workflowName, request.executionId) as OutputOf<W>;
  }

  async start<W extends AnyWorkflow>(
    workflow: W,
    input: InputOf<W>,
    options?: StartChildOptions,
  ): Promise<ChildExecution> {
    const request = this.#childRequest(workflow, input, options);
    await this.#engine.startChild(request, optionalDuration(options?.delay, 'ctx.start', workflow.name, 'delay'));
    return { workflowName: request.workflowName, id: request.executionId };
  }

  async now(): Promise<Date> {
    return new Date(await this.#engine.now());
  }

  random(): Promise<number> {
    return this.#engine.random();
  }

  uuid(): Promise<string> {
    return this.#engine.uuid();
  }

  #childRequest(workflow: AnyWorkflow, input: unknown, options: CallOptions | undefined) {
    return childRequest(workflow, input, options, this.#maxPayloadBytes, (workflowName) =>
      this.#nextChildId(workflowName),
    );
  }

  #nextChildId(workflowName: string): string {
    this.#childCounts ??= new Map();
    const index = this.#childCounts.get(workflowName) ?? 0;
    this.#childCounts.set(workflowName, index + 1);
    return childExecutionId(this.#engine.executionId, workflowName, index);
  }
}

/** `ctx.state`: per-execution key/value state, checked and converted to JSON here. */
class EngineExecutionState implements ExecutionState {
  constructor(
    private readonly engine: EngineContext,
    private readonly maxPayloadBytes: number,
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    assertName(key, 'state key');
    return (await this.engine.getState(key)) as T | undefined;
  }

  async set(key: string, value: unknown): Promise<void> {
    assertName(key, 'state key');
    if (value === undefined) throw new ValidationError(`ctx.state.set('${key}'): use ctx.state.delete to remove a key`);
    await this.engine.setState(key, toPayload(value, `state '${key}'`, this.maxPayloadBytes));
  }

  async delete(key: string): Promise<void> {
    assertName(key, 'state key');
    await this.engine.deleteState(key);
  }
}

function childRequest(
  workflow: AnyWorkflow,
  input: unknown,
  options: CallOptions | undefined,
  maxPayloadBytes: number,
  nextChildId: (workflowName: string) => string,
) {
  if (!isWorkflowDefinition(workflow)) {
    throw new ValidationError('ctx.call and ctx.start expect a workflow created with defineWorkflow');
  }
  const executionId = options?.id ?? nextChildId(workflow.name);
  assertExecutionId(executionId, `child id of workflow '${workflow.name}'`);
  const parsed = parseWithSchema(workflow.input, input, `input of workflow '${workflow.name}'`);
  return {
    workflowName: workflow.name,
    executionId,
    input: toPayload(parsed, `input of workflow '${workflow.name}'`, maxPayloadBytes),
  };
}

function unwrapWait(outcome: WaitOutcome, timeoutMessage: () => string): unknown {
  switch (outcome.kind) {
    case 'value':
      return outcome.value;
    case 'error':
      throw fromErrorShape(outcome.error);
    case 'timeout':
      throw new TimeoutError(timeoutMessage());
  }
}

/** Turns an execution's outcome into its value, or the API's `WorkflowFailedError`. */
export function unwrapChild(outcome: ExecutionOutcome, workflowName: string, executionId: string) {
  if (outcome.status === 'completed') return outcome.value;
  throw new WorkflowFailedError(workflowName, executionId, outcome.error);
}

/**
 * The option `option` of the call `call('subject')`, e.g. `ctx.run('charge') retry`, as an error names it: built
 * only when the option is set (every step of every execution passes here, most without options).
 */
function optionName(call: string, subject: string, option: string): string {
  return `${call}('${subject}') ${option}`;
}

function optionalRetry(policy: RetryPolicy | undefined, call: string, subject: string): ResolvedRetryPolicy {
  return policy === undefined ? DEFAULT_RETRY_POLICY : resolveRetryPolicy(policy, optionName(call, subject, 'retry'));
}

/** Like {@link optionalRetry}, for a duration. */
function optionalDuration(
  duration: Duration | undefined,
  call: string,
  subject: string,
  option: string,
): number | undefined {
  return duration === undefined ? undefined : parseDuration(duration, optionName(call, subject, option));
}

function workflowNameOf(workflow: AnyWorkflow | string, what: string): string {
  const name = typeof workflow === 'string' ? workflow : workflow?.name;
  assertName(name, what);
  return name;
}
