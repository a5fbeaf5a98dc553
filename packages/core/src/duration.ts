import { ValidationError } from './errors.js';

/** A time unit accepted in duration strings. */
export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd';

/**
 * A length of time: a number of milliseconds, or a string such as `'250ms'`, `'10s'`, `'5m'`, `'1h'` or `'2d'`.
 */
export type Duration = number | `${number}${DurationUnit}`;

const UNIT_MS: Record<DurationUnit, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/**
 * Converts a {@link Duration} to whole milliseconds.
 * @param what names the value in the error message, e.g. `"ctx.sleep duration"`.
 * @throws ValidationError when the value is negative, not finite or not of the documented form.
 */
export function parseDuration(duration: Duration, what = 'duration'): number {
  if (typeof duration === 'number') {
    if (!Number.isFinite(duration) || duration < 0) {
      throw invalidDuration(duration, what);
    }
    return Math.ceil(duration);
  }
  const match = typeof duration === 'string' ? DURATION_PATTERN.exec(duration.trim()) : null;
  if (!match) {
    throw invalidDuration(duration, what);
  }
  const [, amount, unit] = match as unknown as [string, string, DurationUnit];
  return Math.ceil(Number(amount) * UNIT_MS[unit]);
}

function invalidDuration(value: unknown, what: string): ValidationError {
  return new ValidationError(
    `Invalid ${what} ${JSON.stringify(value) ?? String(value)}: use a non-negative number of milliseconds or a string such as '250ms', '10s', '5m', '1h' or '2d'`,
    [{ path: what, message: 'invalid duration' }],
  );
}
