import { Exponential, type RetryPolicy } from '@resonatehq/sdk/async';

/**
 * The explicit policy of the adapter's leaves (bookkeeping writes of slots, state, wait records, child starts, and
 * the step runner itself): they report domain errors as values (a step's failure as a non-retryable
 * `StepFailure`) and only throw on infrastructure errors, so they retry until the store answers again (never
 * recording a failure), backing off from 50 ms to 5 s. Steps run their own retry policy (see `steps.ts`).
 */
export function bookkeepingRetryPolicy(): RetryPolicy {
  return new Exponential({ delay: 25, factor: 2, maxDelay: 5_000, maxRetries: Number.MAX_SAFE_INTEGER });
}
