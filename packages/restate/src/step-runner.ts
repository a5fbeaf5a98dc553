import { isNonRetryable, type Registry, retryDelayMs, toErrorShape } from '@durable-runtime/core';
import { executeStepAttempt, type StepOutcome, type StepRequest } from '@durable-runtime/core/spi';
import type { RestatePromise, WorkflowContext } from '@restatedev/restate-sdk';
import type { AttemptResult } from './protocol.js';

/** Awaits a Restate promise, turning Restate's cancellation into core's `CancelledError`. */
export type Guard = <T>(promise: RestatePromise<T>) => Promise<T>;

/**
 * Runs a step with its retry policy. Each attempt is one `ctx.run` named after the step, whose journaled result is
 * the attempt's value or error (the closure never throws, so Restate never retries it on its own); the delay between
 * attempts is a durable `ctx.sleep`. The adapter keeps the attempt count because Restate does not tell a `ctx.run`
 * closure which attempt it is, and `StepInfo.attempt` must be exact. A replay returns recorded attempts without
 * running them; an attempt interrupted by a crash runs again with the same attempt number.
 */
export async function runStep(
  ctx: WorkflowContext,
  registry: Registry,
  request: StepRequest,
  guard: Guard,
): Promise<StepOutcome> {
  const step = registry.step(request.stepName);
  for (let attempt = 1; ; attempt++) {
    const info = { attempt, executionId: ctx.key, stepName: request.stepName };
    const result = await guard(
      ctx.run<AttemptResult>(request.stepName, async () => {
        try {
          return { ok: true, value: await executeStepAttempt(step, request.args, info, request.timeoutMs) };
        } catch (error) {
          return { ok: false, error: toErrorShape(error) };
        }
      }),
    );
    if (result.ok) return { ok: true, value: result.value };
    if (isNonRetryable(result.error) || attempt >= request.retry.maxAttempts) {
      return { ok: false, error: result.error, attempts: attempt };
    }
    await guard(ctx.sleep(retryDelayMs(request.retry, attempt), `retry ${request.stepName}`));
  }
}
