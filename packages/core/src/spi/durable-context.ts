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
  isStepDefinition,
  isWorkflowDefinition,
  type OutputOf,
  type StepDefinition,
} from '../definitions.js';
import { type Duration, parseDuration } from '../duration.js';
import { fromErrorShape, StepFailedError, TimeoutError, ValidationError, WorkflowFailedError } from '../errors.js';
import { assertExecutionId, assertName, childExecutionId } from '../ids.js';
import { DEFAULT_RETRY_POLICY, type ResolvedRetryPolicy, type RetryPolicy, resolveRetryPolicy } from '../retry.js';
import { toJson } from '../serialization.js';
import { parseWithSchema } from '../validation.js';
import type { EngineContext, ExecutionOutcome, WaitOutcome } from './engine.js';

/**
 * Builds the public {@link DurableContext} over an adapter's {@link EngineContext}: checks arguments, converts
 * durations, resolves retry policies, derives child ids and turns outcomes into the API's errors, identically for
 * every backend.
 */
export function createDurableContext(engine: EngineContext): DurableContext {
  const childCounts = new Map<string, number>();
  const nextChildId = (workflowName: string): string => {
    const index = childCounts.get(workflowName) ?? 0;
    childCounts.set(workflowName, index + 1);
    return childExecutionId(engine.executionId, workflowName, index);
  };

  const state: ExecutionState = {
    async get<T>(key: string) {
      assertName(key, 'state key');
      return (await engine.getState(key)) as T | undefined;
    },
    async set(key, value) {
      assertName(key, 'state key');
      if (value === undefined)
        throw new ValidationError(`ctx.state.set('${key}'): use ctx.state.delete to remove a key`);
      await engine.setState(key, toJson(value, `state '${key}'`));
    },
    async delete(key) {
      assertName(key, 'state key');
      await engine.deleteState(key);
    },
  };

  return {
    executionId: engine.executionId,
    workflowName: engine.workflowName,
    state,

    async run<TArgs, TResult>(step: StepDefinition<string, TArgs, TResult>, args: TArgs, options?: StepOptions) {
      if (!isStepDefinition(step)) {
        throw new ValidationError('ctx.run expects a step created with defineStep(name, fn) as its first argument');
      }
      const outcome = await engine.runStep({
        stepName: step.name,
        args: toJson(args, `arguments of step '${step.name}'`),
        retry: optionalRetry(options?.retry, () => `ctx.run('${step.name}') retry`),
        timeoutMs: optionalDuration(options?.timeout, () => `ctx.run('${step.name}') timeout`),
      });
      if (!outcome.ok) throw new StepFailedError(step.name, outcome.attempts, outcome.error);
      return outcome.value as TResult;
    },

    async sleep(duration) {
      await engine.sleep(parseDuration(duration, 'ctx.sleep duration'));
    },

    async sleepUntil(time) {
      const target = time instanceof Date ? time.getTime() : time;
      if (!Number.isFinite(target)) throw new ValidationError(`ctx.sleepUntil: invalid time ${String(time)}`);
      const now = await engine.now();
      await engine.sleep(Math.max(0, target - now));
    },

    async promise<T>(name: string, options?: WaitOptions) {
      assertName(name, 'promise name');
      const timeoutMs = optionalDuration(options?.timeout, () => `ctx.promise('${name}') timeout`);
      const outcome = await engine.promise(name, timeoutMs);
      return unwrapWait(outcome, () => `Promise '${name}' timed out after ${timeoutMs}ms`) as T;
    },

    async send(target: ExecutionTarget, channel: string, message: unknown) {
      const workflowName = workflowNameOf(target.workflow, 'ctx.send target.workflow');
      assertExecutionId(target.id, 'ctx.send target.id');
      assertName(channel, 'channel');
      const json = toJson(message, `message on channel '${channel}'`);
      await engine.send({ workflowName, executionId: target.id }, channel, json);
    },

    async receive<T>(channel: string, options?: WaitOptions) {
      assertName(channel, 'channel');
      const timeoutMs = optionalDuration(options?.timeout, () => `ctx.receive('${channel}') timeout`);
      const outcome = await engine.receive(channel, timeoutMs);
      return unwrapWait(outcome, () => `Receive on channel '${channel}' timed out after ${timeoutMs}ms`) as T;
    },

    async call(workflow, input, options?: CallOptions) {
      const request = childRequest(workflow, input, options, nextChildId);
      const outcome = await engine.callChild(request);
      return unwrapChild(outcome, request.workflowName, request.executionId) as OutputOf<typeof workflow>;
    },

    async start(workflow, input, options?: StartChildOptions): Promise<ChildExecution> {
      const request = childRequest(workflow, input, options, nextChildId);
      await engine.startChild(
        request,
        optionalDuration(options?.delay, () => `ctx.start('${workflow.name}') delay`),
      );
      return { workflowName: request.workflowName, id: request.executionId };
    },

    async now() {
      return new Date(await engine.now());
    },
    random: () => engine.random(),
    uuid: () => engine.uuid(),
  };
}

function childRequest(
  workflow: AnyWorkflow,
  input: unknown,
  options: CallOptions | undefined,
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
    input: toJson(parsed, `input of workflow '${workflow.name}'`),
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
 * `what` names the option in an error: built only when the option is set (every step of every execution passes
 * here, most without options).
 */
function optionalRetry(policy: RetryPolicy | undefined, what: () => string): ResolvedRetryPolicy {
  return policy === undefined ? DEFAULT_RETRY_POLICY : resolveRetryPolicy(policy, what());
}

/** Like {@link optionalRetry}, for a duration. */
function optionalDuration(duration: Duration | undefined, what: () => string): number | undefined {
  return duration === undefined ? undefined : parseDuration(duration, what());
}

function workflowNameOf(workflow: AnyWorkflow | string, what: string): string {
  const name = typeof workflow === 'string' ? workflow : workflow?.name;
  assertName(name, what);
  return name;
}
