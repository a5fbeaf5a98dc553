import { type Duration, parseDuration } from './duration.js';
import { isNonRetryable, ValidationError } from './errors.js';

/** How a step is retried. Every field is optional; missing fields take the {@link DEFAULT_RETRY_POLICY}. */
export interface RetryPolicy {
  /** Total attempts, the first included. `1` means no retry. @default 5 */
  readonly maxAttempts?: number;
  /** Delay before the second attempt. @default '1s' */
  readonly initialInterval?: Duration;
  /** Factor applied to the delay after each failed attempt. @default 2 */
  readonly backoffCoefficient?: number;
  /** Upper bound of the delay between attempts. @default '60s' */
  readonly maxInterval?: Duration;
}

/** A retry policy with every field set, durations in milliseconds. What adapters receive. */
export interface ResolvedRetryPolicy {
  readonly maxAttempts: number;
  readonly initialIntervalMs: number;
  readonly backoffCoefficient: number;
  readonly maxIntervalMs: number;
}

/**
 * The one default, identical on every backend: 5 attempts, waiting 1 s, 2 s, 4 s and 8 s between them.
 */
export const DEFAULT_RETRY_POLICY: ResolvedRetryPolicy = Object.freeze({
  maxAttempts: 5,
  initialIntervalMs: 1_000,
  backoffCoefficient: 2,
  maxIntervalMs: 60_000,
});

/** Fills in defaults and checks each field. @throws ValidationError naming the field. */
export function resolveRetryPolicy(policy: RetryPolicy | undefined, where = 'retry'): ResolvedRetryPolicy {
  // The same object every time, so that adapters can key what they derive from a policy by identity.
  if (policy === undefined) return DEFAULT_RETRY_POLICY;
  const resolved: ResolvedRetryPolicy = {
    maxAttempts: policy?.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
    initialIntervalMs:
      policy?.initialInterval === undefined
        ? DEFAULT_RETRY_POLICY.initialIntervalMs
        : parseDuration(policy.initialInterval, `${where}.initialInterval`),
    backoffCoefficient: policy?.backoffCoefficient ?? DEFAULT_RETRY_POLICY.backoffCoefficient,
    maxIntervalMs:
      policy?.maxInterval === undefined
        ? DEFAULT_RETRY_POLICY.maxIntervalMs
        : parseDuration(policy.maxInterval, `${where}.maxInterval`),
  };
  if (!Number.isInteger(resolved.maxAttempts) || resolved.maxAttempts < 1) {
    throw invalid(`${where}.maxAttempts`, `must be an integer >= 1, got ${resolved.maxAttempts}`);
  }
  if (!(resolved.backoffCoefficient >= 1)) {
    throw invalid(`${where}.backoffCoefficient`, `must be a number >= 1, got ${resolved.backoffCoefficient}`);
  }
  return { ...resolved, maxIntervalMs: Math.max(resolved.maxIntervalMs, resolved.initialIntervalMs) };
}

/** Milliseconds to wait after attempt number `failedAttempt` (1-based) failed. */
export function retryDelayMs(policy: ResolvedRetryPolicy, failedAttempt: number): number {
  const delay = policy.initialIntervalMs * policy.backoffCoefficient ** (failedAttempt - 1);
  return Math.min(Math.round(delay), policy.maxIntervalMs);
}

function invalid(path: string, problem: string): ValidationError {
  return new ValidationError(`Invalid ${path}: ${problem}`, [{ path, message: problem }]);
}

/** What to do after a step attempt failed: retry after `delayMs`, or record the failure. */
export type RetryDecision = { readonly retry: true; readonly delayMs: number } | { readonly retry: false };

/**
 * The one retry decision of every backend: a non-retryable error (`TerminalError`, serialization, payload size) or
 * the last allowed attempt ends the step; otherwise the next attempt waits {@link retryDelayMs}. `failedAttempt`
 * counts failed attempts only (a crashed worker is not a failed attempt).
 */
export function retryDecision(policy: ResolvedRetryPolicy, failedAttempt: number, error: unknown): RetryDecision {
  if (isNonRetryable(error) || failedAttempt >= policy.maxAttempts) return { retry: false };
  return { retry: true, delayMs: retryDelayMs(policy, failedAttempt) };
}
