import { type ResolvedRetryPolicy, retryDelayMs } from '@durable-runtime/core';
import { Exponential, type RetryPolicy } from '@resonatehq/sdk/async';

/**
 * Core's retry policy as a Resonate retry policy, exactly: `maxAttempts` counts the first attempt, and the delay
 * after failed attempt n is `initialInterval * backoffCoefficient^(n-1)` capped at `maxInterval` (core's
 * `retryDelayMs`). The SDK runs the attempts and waits in-process; whether an error is retried at all (a
 * `TerminalError` or a `SerializationError` never is) is decided by the step runner.
 */
export class StepRetryPolicy implements RetryPolicy {
  static readonly type = 'durable-runtime';

  constructor(readonly policy: ResolvedRetryPolicy) {}

  next(attempt: number): number | null {
    if (attempt <= 0) return 0;
    if (attempt >= this.policy.maxAttempts) return null;
    return retryDelayMs(this.policy, attempt);
  }

  encode() {
    return { type: StepRetryPolicy.type, data: { ...this.policy } };
  }
}

/**
 * The explicit policy of the adapter's own bookkeeping operations (writes of slots, state, wait records, child
 * starts): they report domain errors as values and only throw on infrastructure errors, so they retry until the
 * store answers again (never recording a failure), backing off from 50 ms to 5 s.
 */
export function bookkeepingRetryPolicy(): RetryPolicy {
  return new Exponential({ delay: 25, factor: 2, maxDelay: 5_000, maxRetries: Number.MAX_SAFE_INTEGER });
}
