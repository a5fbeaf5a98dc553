import { expect, test } from 'vitest';
import { awaitPromise, twoPromises } from '../fixtures.js';
import { defineGroup, waitForState } from '../harness.js';
import type { ConformanceOptions } from '../options.js';

/** Spec 4: durable promises. */
export function promiseTests(options: ConformanceOptions): void {
  defineGroup(
    options,
    'promises',
    'promises',
    (group) => {
      test('a value delivered from outside resumes the workflow', async () => {
        const id = group.id('promise');
        const handle = await group.runtime().start(awaitPromise, { name: 'approval' }, { id });
        await waitForState(handle, 'phase', 'waiting');
        await handle.resolvePromise('approval', { approved: true, by: 'ana' });
        await expect(handle.result()).resolves.toEqual({ ok: true, value: { approved: true, by: 'ana' } });
      });

      test('a resolution that arrives before the workflow waits is kept', async () => {
        const id = group.id('promise-early');
        const handle = await group.runtime().start(twoPromises, {}, { id });
        await handle.resolvePromise('second', 2);
        await handle.resolvePromise('first', 1);
        await expect(handle.result()).resolves.toEqual([1, 2]);
      });

      test('the first resolution wins', async () => {
        const id = group.id('promise-first-wins');
        const handle = await group.runtime().start(awaitPromise, { name: 'p' }, { id });
        await waitForState(handle, 'phase', 'waiting');
        await handle.resolvePromise('p', 'first');
        await handle.resolvePromise('p', 'second').catch(() => undefined);
        await expect(handle.result()).resolves.toEqual({ ok: true, value: 'first' });
      });

      test('a timeout throws a catchable TimeoutError, not early', async () => {
        const timeoutMs = group.ms(500);
        const started = Date.now();
        const result = await group
          .runtime()
          .run(awaitPromise, { name: 'late', timeoutMs }, { id: group.id('promise-timeout') });
        expect(result).toEqual({
          ok: false,
          error: { name: 'TimeoutError', message: `Promise 'late' timed out after ${timeoutMs}ms` },
        });
        const elapsed = Date.now() - started;
        expect(elapsed).toBeGreaterThanOrEqual(timeoutMs);
        expect(elapsed).toBeLessThan(timeoutMs + group.lateMs);
      });

      test('a resolution within the timeout wins over the timeout', async () => {
        const id = group.id('promise-in-time');
        const handle = await group
          .runtime()
          .start(awaitPromise, { name: 'quick', timeoutMs: group.ms(20_000) }, { id });
        await waitForState(handle, 'phase', 'waiting');
        await handle.resolvePromise('quick', 42);
        await expect(handle.result()).resolves.toEqual({ ok: true, value: 42 });
      });

      test('a rejection delivers an error with its name and message', async () => {
        const id = group.id('promise-reject');
        const handle = await group.runtime().start(awaitPromise, { name: 'approval' }, { id });
        await waitForState(handle, 'phase', 'waiting');
        await handle.rejectPromise('approval', Object.assign(new Error('not this time'), { name: 'Denied' }));
        await expect(handle.result()).resolves.toEqual({
          ok: false,
          error: { name: 'Denied', message: 'not this time' },
        });
      });
    },
    async (group) => {
      const handle = await group.runtime().start(awaitPromise, { name: 'p' }, { id: group.id('probe-promises') });
      await handle.resolvePromise('p', 1);
      return handle.result();
    },
  );
}
