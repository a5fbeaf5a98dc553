import { expect, test } from 'vitest';
import { stateful } from '../fixtures.js';
import { defineGroup, waitForState } from '../harness.js';
import type { ConformanceOptions } from '../options.js';

/** Spec 5: per-execution state. */
export function stateTests(options: ConformanceOptions): void {
  defineGroup(
    options,
    'state',
    'state',
    (group) => {
      test('state is readable from outside while running and after the end', async () => {
        const id = group.id('state');
        const handle = await group.runtime().start(stateful, {}, { id });
        await waitForState(handle, 'phase', 'started');
        await waitForState(handle, 'nullable', null);
        expect(await handle.getState('temp')).toEqual({ nested: [1, 2, 3] });
        expect(await handle.getState('never-set')).toBeUndefined();
        expect(await handle.getState()).toEqual({ phase: 'started', temp: { nested: [1, 2, 3] }, nullable: null });
        await handle.resolvePromise('continue', true);
        await expect(handle.result()).resolves.toEqual({
          readBack: { nested: [1, 2, 3] },
          missing: 'undefined',
          afterDelete: undefined,
        });
        expect(await handle.getState('phase')).toBe('done');
        expect(await handle.getState('temp')).toBeUndefined();
        expect(await handle.getState()).toEqual({ phase: 'done', nullable: null });
      });

      test('state survives a restart', async () => {
        const id = group.id('state-restart');
        const handle = await group.runtime().start(stateful, {}, { id });
        await waitForState(handle, 'phase', 'started');
        await waitForState(handle, 'nullable', null);
        await group.restart();
        const resumed = group.runtime().handle(stateful, id);
        expect(await resumed.getState('temp')).toEqual({ nested: [1, 2, 3] });
        await resumed.resolvePromise('continue', true);
        await expect(resumed.result()).resolves.toMatchObject({ readBack: { nested: [1, 2, 3] } });
        expect(await resumed.getState('phase')).toBe('done');
      });
    },
    async (group) => {
      const handle = await group.runtime().start(stateful, {}, { id: group.id('probe-state') });
      await handle.resolvePromise('continue', true);
      return handle.result();
    },
  );
}
