import { WorkflowFailedError } from '@durable-runtime/core';
import { expect, test } from 'vitest';
import { evolving, helpers, probe } from '../fixtures.js';
import { defineGroup, rejectionOf, waitForState } from '../harness.js';
import type { ConformanceOptions } from '../options.js';

/** Spec 8: determinism helpers and non-determinism detection. */
export function determinismTests(options: ConformanceOptions): void {
  defineGroup(
    options,
    'determinism',
    'determinism',
    (group) => {
      test('now, random and uuid are recorded: identical after a restart', async () => {
        const id = group.id('helpers');
        const handle = await group.runtime().start(helpers, {}, { id });
        await waitForState(handle, 'phase', 'waiting');
        const first = (await handle.getState('first')) as { now: number; random: number; uuid: string };
        expect(first.random).toBeGreaterThanOrEqual(0);
        expect(first.random).toBeLessThan(1);
        expect(first.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(Math.abs(first.now - Date.now())).toBeLessThan(60_000);
        await group.restart();
        const resumed = group.runtime().handle(helpers, id);
        await resumed.resolvePromise('go', true);
        await expect(resumed.result()).resolves.toEqual(first);
      });

      test('two executions get different random values and uuids', async () => {
        const [a, b] = await Promise.all(
          [group.id('helpers-a'), group.id('helpers-b')].map(async (id) => {
            const handle = await group.runtime().start(helpers, {}, { id });
            await waitForState(handle, 'phase', 'waiting');
            await handle.resolvePromise('go', true);
            return handle.result();
          }),
        );
        expect(a?.uuid).not.toBe(b?.uuid);
        expect(a?.random).not.toBe(b?.random);
      });

      test('a replay that takes a different path fails the execution with a NonDeterminismError', async () => {
        if (!group.canRestart) throw new Error('this test needs the adapter to provide the restart option');
        const id = group.id('evolving');
        const handle = await group.runtime().start(evolving, {}, { id });
        await waitForState(handle, 'phase', 'waiting');
        await group.restart(2);
        const resumed = group.runtime().handle(evolving, id);
        await resumed.resolvePromise('go', true);
        const error = await rejectionOf(resumed.result());
        expect(WorkflowFailedError.is(error), String(error)).toBe(true);
        expect((error as WorkflowFailedError).cause.name).toBe('NonDeterminismError');
        expect(await resumed.status()).toBe('failed');
        expect(probe.runs(id).map((run) => run.stepName)).toEqual(['recordCall']);
        await group.restart(1);
      });
    },
    (group) => group.runtime().run(helpers, {}, { id: group.id('probe-determinism') }),
  );
}
