import { describe, expect, test } from 'vitest';
import { DEFAULT_RETRY_POLICY, resolveRetryPolicy, retryDelayMs, ValidationError } from '../src/index.js';

describe('retry policy', () => {
  test('defaults fill missing fields', () => {
    expect(resolveRetryPolicy(undefined)).toEqual(DEFAULT_RETRY_POLICY);
    expect(resolveRetryPolicy({ maxAttempts: 2 })).toEqual({ ...DEFAULT_RETRY_POLICY, maxAttempts: 2 });
  });

  test('delay after attempt n is initial * coefficient^(n-1), capped', () => {
    const policy = resolveRetryPolicy({ initialInterval: '100ms', backoffCoefficient: 3, maxInterval: '1s' });
    expect([1, 2, 3, 4].map((n) => retryDelayMs(policy, n))).toEqual([100, 300, 900, 1000]);
  });

  test.each([
    [{ maxAttempts: 0 }, /retry\.maxAttempts/],
    [{ maxAttempts: 1.5 }, /retry\.maxAttempts/],
    [{ backoffCoefficient: 0.5 }, /retry\.backoffCoefficient/],
    [{ initialInterval: 'soon' }, /retry\.initialInterval/],
  ])('rejects %o naming the field', (policy, message) => {
    expect(() => resolveRetryPolicy(policy as never)).toThrow(ValidationError);
    expect(() => resolveRetryPolicy(policy as never)).toThrow(message);
  });
});
