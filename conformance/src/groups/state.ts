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

      test('a value a client has read is still there after a restart right after the read', async () => {
        const id = group.id('state-read-restart');
        const handle = await group.runtime().start(stateful, {}, { id });
        // Reads without a timer between them: on an in-process engine the first value read may be one a worker has
        // not committed yet (it is still in the macrotask that set it), and the restart comes right after that read.
        // A macrotask every thousand reads lets an engine that needs one reach the write.
        let phase: unknown;
        const deadline = Date.now() + 10_000;
        for (let reads = 1; phase === undefined && Date.now() < deadline; reads++) {
          phase = await handle.getState('phase');
          if (reads % 1_000 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        expect(phase).toBe('started');
        await group.restart();
        const resumed = group.runtime().handle(stateful, id);
        expect(await resumed.getState('phase')).toBe('started');
        await resumed.resolvePromise('continue', true);
        await expect(resumed.result()).resolves.toMatchObject({ readBack: { nested: [1, 2, 3] } });
      });
    },
    async (group) => {
      const handle = await group.runtime().start(stateful, {}, { id: group.id('probe-state') });
      await handle.resolvePromise('continue', true);
      return handle.result();
    },
  );
}
