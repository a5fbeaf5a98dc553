import { CancelledError, ExecutionNotFoundError } from '@durable-runtime/core';
import type { EngineContext, ExecutionRef, StepOutcome, StepRequest, WaitOutcome } from '@durable-runtime/core/spi';
import {
  type ActivityOptions,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  sleep,
  uuid4,
} from '@temporalio/workflow';
import { callChild, startChild } from './children.js';
import { failureAttempts, failureToShape } from './failures.js';
import type { Inbox } from './inbox.js';
import { messageSignal } from './inbox.js';
import {
  DEFAULT_STEP_ATTEMPT_TIMEOUT_MS,
  NON_RETRYABLE_STEP_ERRORS,
  STEP_HEARTBEAT_TIMEOUT_MS,
  STEP_TIMEOUT_GRACE_MS,
  type StepAttemptOptions,
} from './names.js';

type StepActivity = (args: unknown, options?: StepAttemptOptions) => Promise<unknown>;

/**
 * Core's {@link EngineContext} on Temporal's workflow APIs. Each step is an activity whose type is the step's name;
 * timers are Temporal timers; promises and messages arrive by signal into the {@link Inbox}; children are child
 * workflows. Cancellation of the execution surfaces as core's `CancelledError` from any pending operation.
 */
export function createEngineContext(ref: ExecutionRef, inbox: Inbox): EngineContext {
  const cancellable = <T>(work: () => Promise<T>) => mapCancellation(ref, work);
  return {
    ...ref,
    runStep: (request) => cancellable(() => runStep(request)),
    sleep: (ms) => cancellable(() => (ms > 0 ? sleep(ms) : Promise.resolve())),
    promise: (name, timeoutMs) =>
      cancellable(async () => {
        const ready = await waitFor(() => inbox.promises.has(name), timeoutMs);
        return ready ? (inbox.promises.get(name) as WaitOutcome) : { kind: 'timeout' };
      }),
    receive: (channel, timeoutMs) =>
      cancellable(async () => {
        const queue = inbox.channel(channel);
        const ready = await waitFor(() => queue.length > 0, timeoutMs);
        return ready ? { kind: 'value', value: queue.shift() } : { kind: 'timeout' };
      }),
    getState: async (key) => inbox.state.get(key),
    setState: async (key, value) => {
      inbox.state.set(key, value);
    },
    deleteState: async (key) => {
      inbox.state.delete(key);
    },
    send: (target, channel, message) => cancellable(() => send(target, channel, message)),
    callChild: (request) => cancellable(() => callChild(request)),
    startChild: (request, delayMs) => cancellable(() => startChild(request, delayMs)),
    now: async () => Date.now(),
    random: async () => Math.random(),
    uuid: async () => uuid4(),
  };
}

async function runStep({ stepName, args, retry, timeoutMs }: StepRequest): Promise<StepOutcome> {
  const options: ActivityOptions = {
    startToCloseTimeout: timeoutMs === undefined ? DEFAULT_STEP_ATTEMPT_TIMEOUT_MS : timeoutMs + STEP_TIMEOUT_GRACE_MS,
    heartbeatTimeout: STEP_HEARTBEAT_TIMEOUT_MS,
    retry: {
      maximumAttempts: retry.maxAttempts,
      initialInterval: retry.initialIntervalMs,
      backoffCoefficient: retry.backoffCoefficient,
      maximumInterval: retry.maxIntervalMs,
      nonRetryableErrorTypes: NON_RETRYABLE_STEP_ERRORS,
    },
  };
  const activity = proxyActivities<Record<string, StepActivity>>(options)[stepName] as StepActivity;
  try {
    const value = timeoutMs === undefined ? await activity(args) : await activity(args, { timeoutMs });
    return { ok: true, value };
  } catch (error) {
    if (isCancellation(error)) throw error;
    return { ok: false, error: failureToShape(error), attempts: failureAttempts(error) ?? retry.maxAttempts };
  }
}

/** Waits until `ready()` holds; false when `timeoutMs` passed first (checked at once when it is 0 or less). */
async function waitFor(ready: () => boolean, timeoutMs: number | undefined): Promise<boolean> {
  if (ready()) return true;
  if (timeoutMs === undefined) {
    await condition(ready);
    return true;
  }
  return timeoutMs > 0 ? condition(ready, timeoutMs) : false;
}

async function send(target: ExecutionRef, channel: string, message: unknown): Promise<void> {
  try {
    await getExternalWorkflowHandle(target.executionId).signal(messageSignal, channel, message);
  } catch (error) {
    if (isCancellation(error)) throw error;
    throw new ExecutionNotFoundError(target.workflowName, target.executionId);
  }
}

/** Runs `work`; a Temporal cancellation of this execution becomes core's `CancelledError`. */
async function mapCancellation<T>(ref: ExecutionRef, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isCancellation(error) && CancellationScope.current().consideredCancelled) {
      throw new CancelledError(`Execution '${ref.executionId}' of workflow '${ref.workflowName}' was cancelled`);
    }
    throw error;
  }
}
