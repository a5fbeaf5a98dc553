import { describe, expect, test } from 'vitest';
import { fingerprint } from '../src/steps.js';

/** The fingerprint as the adapter first computed it: operation names recorded that way must still match on replay. */
function referenceFingerprint(args: unknown): string {
  const text = JSON.stringify(args) ?? '';
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

describe('step fingerprints', () => {
  test('are the base-36 form of the arguments hash, as recorded by earlier passes', () => {
    const samples: unknown[] = [undefined, null, 0, 1, -1, '', 'a', 'order-42', [1, 2, 3], { key: 'k', value: 7 }];
    for (let i = 0; i < 2_000; i++) samples.push(`execution-${i}`, { n: i, tag: `t${i % 37}` });
    for (const args of samples) expect(fingerprint(args)).toBe(referenceFingerprint(args));
  });
});
