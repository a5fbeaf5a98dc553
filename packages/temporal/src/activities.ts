import {
  type AnyStep,
  type ErrorShape,
  isNonRetryable,
  type Registry,
  toErrorShape,
  ValidationError,
} from '@durable-runtime/core';
import { type EngineClient, type ExecutionRef, executeStepAttempt } from '@durable-runtime/core/spi';
import { Context } from '@temporalio/activity';
import { shapeToFailure } from './workflow/failures.js';
import { OUTCOME_ACTIVITY, type StepAttemptOptions } from './workflow/names.js';

/** How often a running attempt heartbeats (the SDK throttles sends to `maxHeartbeatThrottleInterval`). */
const HEARTBEAT_EVERY_MS = 500;

type Activity = (...args: never[]) => Promise<unknown>;

/**
 * The worker's activities: one per registered step, named after the step, so Temporal's history, UI and replay
 * checks see real steps; `default` answers an unregistered step name with a non-retryable error naming it; and the
 * internal activity that waits for another execution's outcome.
 */
export function createActivities(registry: Registry, client: EngineClient): Record<string, Activity> {
  const activities: Record<string, Activity> = {};
  for (const step of registry.steps) activities[step.name] = stepActivity(step);
  activities.default = async () => {
    const { activityType, attempt } = Context.current().info;
    throw shapeToFailure(unregisteredStep(registry, activityType), true, [attempt]);
  };
  activities[OUTCOME_ACTIVITY] = (ref: ExecutionRef) => withHeartbeat(() => client.outcome(ref));
  return activities;
}

function stepActivity(step: AnyStep): (args: unknown, options?: StepAttemptOptions) => Promise<unknown> {
  return async (args, options) => {
    const { info } = Context.current();
    const stepInfo = {
      attempt: info.attempt,
      executionId: info.workflowExecution?.workflowId ?? '',
      stepName: step.name,
    };
    try {
      return await withHeartbeat(() => executeStepAttempt(step, args, stepInfo, options?.timeoutMs));
    } catch (error) {
      const shape: ErrorShape = toErrorShape(error);
      throw shapeToFailure(shape, isNonRetryable(error), [info.attempt]);
    }
  };
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

/**
 * Runs `work` while heartbeating, so that the attempt of a killed worker times out in seconds. The first heartbeat
 * goes out after {@link HEARTBEAT_EVERY_MS}, not at once: Temporal counts the heartbeat timeout from the attempt's
 * start, and a heartbeat costs a server round trip and a write, which a step that ends sooner does not need.
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
