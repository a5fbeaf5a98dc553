import {
  type AnyStep,
  type ErrorShape,
  ExecutionNotFoundError,
  idOwnedByOtherWorkflow,
  isNonRetryable,
  type Registry,
  toErrorShape,
  ValidationError,
} from '@durable-runtime/core';
import { type ExecutionRef, executeStepAttempt } from '@durable-runtime/core/spi';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { TemporalEngineClient } from './client.js';
import { shapeToFailure } from './workflow/failures.js';
import {
  type AttemptFailureInfo,
  OUTCOME_ACTIVITY,
  SEND_TARGET_ACTIVITY,
  type StepAttemptOptions,
} from './workflow/names.js';

/** How often a running attempt heartbeats (the SDK throttles sends to `maxHeartbeatThrottleInterval`). */
const HEARTBEAT_EVERY_MS = 500;

type Activity = (...args: never[]) => Promise<unknown>;

/**
 * The worker's activities: one per registered step, named after the step, so Temporal's history, UI and replay
 * checks see real steps; `default` answers an unregistered step name with a non-retryable error naming it; and the
 * internal activities that wait for another execution's outcome and check the target of a send.
 */
export function createActivities(
  registry: Registry,
  client: TemporalEngineClient,
  maxPayloadBytes: number,
): Record<string, Activity> {
  const activities: Record<string, Activity> = {};
  for (const step of registry.steps) activities[step.name] = stepActivity(step, maxPayloadBytes);
  activities.default = async () => {
    throw attemptFailure(unregisteredStep(registry, Context.current().info.activityType), false);
  };
  activities[OUTCOME_ACTIVITY] = (ref: ExecutionRef) => withHeartbeat(() => attachedOutcome(client, ref));
  activities[SEND_TARGET_ACTIVITY] = (ref: ExecutionRef) => checkSendTarget(registry, client, ref);
  return activities;
}

/**
 * One attempt of a step. Its failure is never retried by Temporal (which retries only attempts of lost workers):
 * the workflow decides, and learns from the details whether the error may be retried. The attempt number is the
 * workflow's count of failed attempts plus one; the execution's cancellation reaches the step as `info.signal`.
 */
function stepActivity(step: AnyStep, maxPayloadBytes: number) {
  return async (args: unknown, options?: StepAttemptOptions): Promise<unknown> => {
    const context = Context.current();
    const { info } = context;
    const attempt = {
      attempt: options?.attempt ?? info.attempt,
      executionId: info.workflowExecution?.workflowId ?? '',
      stepName: step.name,
    };
    try {
      return await withHeartbeat(() =>
        executeStepAttempt(step, args, attempt, {
          timeoutMs: options?.timeoutMs,
          cancelSignal: context.cancellationSignal,
          maxPayloadBytes,
        }),
      );
    } catch (error) {
      // Interrupted by this worker's shutdown: not a failed attempt; Temporal runs it again on another worker.
      if (context.cancellationDetails?.workerShutdown) throw workerShutdown();
      throw attemptFailure(toErrorShape(error), !isNonRetryable(error));
    }
  };
}

function workerShutdown(): ApplicationFailure {
  return ApplicationFailure.retryable('The worker shut down during the attempt', 'WorkerShutdown');
}

function attemptFailure(shape: ErrorShape, retryable: boolean) {
  const info: AttemptFailureInfo = { retryable };
  return shapeToFailure(shape, true, [info]);
}

/** Why a step name has no activity: core's error naming it and the registered steps. */
function unregisteredStep(registry: Registry, stepName: string): ErrorShape {
  try {
    registry.step(stepName);
  } catch (error) {
    return toErrorShape(error);
  }
  return new ValidationError(`The step '${stepName}' has no activity on this worker`).toShape();
}

/** The outcome of the execution a `ctx.call` attached to; one of another workflow is core's identity error. */
async function attachedOutcome(client: TemporalEngineClient, ref: ExecutionRef) {
  const owner = await client.ownerOf(ref.executionId);
  if (owner !== undefined && owner !== ref.workflowName) {
    throw shapeToFailure(idOwnedByOtherWorkflow(ref.executionId, owner, ref.workflowName).toShape(), true);
  }
  // A cancelled caller stops waiting (the wait itself ends with the execution or when the runtime closes).
  return Promise.race([client.outcome(ref), Context.current().cancelled]);
}

/** A send goes to an execution of a registered workflow that owns the id; anything else is not found. */
async function checkSendTarget(registry: Registry, client: TemporalEngineClient, ref: ExecutionRef): Promise<void> {
  const notFound = () => shapeToFailure(new ExecutionNotFoundError(ref.workflowName, ref.executionId).toShape(), true);
  if (!registry.workflows.some((workflow) => workflow.name === ref.workflowName)) throw notFound();
  if ((await client.ownerOf(ref.executionId)) !== ref.workflowName) throw notFound();
}

/**
 * Runs `work` while heartbeating, so that the attempt of a killed worker times out in seconds and a cancellation
 * reaches the attempt. The first heartbeat goes out after {@link HEARTBEAT_EVERY_MS}, not at once: Temporal counts
 * the heartbeat timeout from the attempt's start, and a heartbeat costs a server round trip and a write, which a
 * step that ends sooner does not need.
 */
async function withHeartbeat<T>(work: () => Promise<T>): Promise<T> {
  const context = Context.current();
  const timer = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
