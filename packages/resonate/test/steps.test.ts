import { describe, expect, test } from 'vitest';
import { fingerprint } from '../src/fingerprint.js';

/**
 * Fingerprints as the adapter recorded them in operation names before they were computed without
 * `Number.prototype.toString(36)`: executions recorded then must still replay.
 */
const RECORDED: ReadonlyArray<readonly [unknown, string]> = [
  [undefined, 'wvjl67o803'],
  [null, '1omwfhr5hyy'],
  [0, 'uvqa3at41j'],
  [1, 'emhgni9yrs'],
  [-1, 'g29kw1iu3v'],
  ['', '3nj1ggyqd3'],
  ['a', '203h93a1w93'],
  ['order-42', '9mo61cjpf4'],
  [[1, 2, 3], '1j375rlwxbu'],
  [{ key: 'k', value: 7 }, '4tfpo6ijy9'],
  [{ n: 12345, tag: 't5' }, '20pg0x16dxo'],
  ['execution-1999', '4bvrn94vtx'],
];

describe('step fingerprints', () => {
  test('are the ones recorded before', () => {
    for (const [args, recorded] of RECORDED) expect(fingerprint(args)).toBe(recorded);
  });

  test('are base-36 digits without leading zeros, and differ for different arguments', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      const value = fingerprint({ n: i });
      expect(value).toMatch(/^[1-9a-z][0-9a-z]*$/);
      seen.add(value);
    }
    expect(seen.size).toBe(5_000);
  });
});
