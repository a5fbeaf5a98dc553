import { CancelledError, type RetryDecision, retryDecision } from '@durable-runtime/core';
import type { StepOutcome, StepRequest } from '@durable-runtime/core/spi';
import { type ActivityOptions, proxyActivities, sleep } from '@temporalio/workflow';
import type { Cancellation } from './cancellation.js';
import { failureRetryable, failureToShape } from './failures.js';
import {
  DEFAULT_STEP_ATTEMPT_TIMEOUT_MS,
  LOST_WORKER_RETRY_INTERVAL_MS,
  STEP_HEARTBEAT_TIMEOUT_MS,
  STEP_TIMEOUT_GRACE_MS,
  type StepAttemptOptions,
} from './names.js';

type StepActivity = (args: unknown, options: StepAttemptOptions) => Promise<unknown>;

/**
 * Runs a step with the user's retry policy, decided here by core's `retryDecision` with durable timers between
 * attempts (rule 14). Temporal retries an attempt only when its worker was lost (heartbeat or start-to-close timeout,
 * without limit): an attempt's own failure is non-retryable at the activity level, so a crash never consumes an
 * attempt and `info.attempt` counts failed attempts only. Issued before a cancellation, the step (and the wait between
 * attempts) is interrupted by it; issued after one, it runs to its end.
 */
export async function runStep(request: StepRequest, cancellation: Cancellation): Promise<StepOutcome> {
  const run = cancellation.requested
    ? <T>(work: () => Promise<T>) => cancellation.shielded(work)
    : <T>(work: () => Promise<T>) => cancellation.interruptible(work);
  const activity = stepActivity(request);
  for (let attempt = 1; ; attempt++) {
    const options: StepAttemptOptions =
      request.timeoutMs === undefined ? { attempt } : { attempt, timeoutMs: request.timeoutMs };
    try {
      return { ok: true, value: await run(() => activity(request.args, options)) };
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      const shape = failureToShape(error);
      const decision: RetryDecision = failureRetryable(error)
        ? retryDecision(request.retry, attempt, shape)
        : { retry: false };
      if (!decision.retry) return { ok: false, error: shape, attempts: attempt };
      if (decision.delayMs > 0) await run(() => sleep(decision.delayMs));
    }
  }
}

function stepActivity({ stepName, timeoutMs }: StepRequest): StepActivity {
  const options: ActivityOptions = {
    startToCloseTimeout: timeoutMs === undefined ? DEFAULT_STEP_ATTEMPT_TIMEOUT_MS : timeoutMs + STEP_TIMEOUT_GRACE_MS,
    heartbeatTimeout: STEP_HEARTBEAT_TIMEOUT_MS,
    retry: {
      initialInterval: LOST_WORKER_RETRY_INTERVAL_MS,
      backoffCoefficient: 1,
    },
  };
  return proxyActivities<Record<string, StepActivity>>(options)[stepName] as StepActivity;
}
