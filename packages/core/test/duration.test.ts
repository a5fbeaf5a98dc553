import { describe, expect, test } from 'vitest';
import { parseDuration, ValidationError } from '../src/index.js';

describe('parseDuration', () => {
  test.each([
    [250, 250],
    ['250ms', 250],
    ['10s', 10_000],
    ['1.5s', 1_500],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    [0.2, 1],
  ] as const)('%s -> %i ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  test.each([['10x'], ['-1s'], [-5], [Number.NaN], ['s'], [''], [Number.POSITIVE_INFINITY]])('rejects %s', (input) => {
    const attempt = () => parseDuration(input as never, 'ctx.sleep duration');
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow(/ctx\.sleep duration/);
  });
});
