import { expect, test, vi } from 'vitest';
import { heldStep, probe, retriesAtOnce } from '../fixtures.js';
import { defineGroup } from '../harness.js';
import type { ConformanceOptions } from '../options.js';

const RESTARTS = 5;

/** Spec 14: crashes never consume attempts; `info.attempt` counts failed attempts; interval 0 retries at once. */
export function retryTests(options: ConformanceOptions): void {
  defineGroup(
    options,
    'retries',
    'steps',
    (group) => {
      test('retry.initialInterval: 0 retries at once; info.attempt counts the failed attempts', async () => {
        const id = group.id('retry-zero');
        const started = Date.now();
        await expect(group.runtime().run(retriesAtOnce, {}, { id })).resolves.toEqual({ attempt: 3 });
        expect(probe.runs(id, 'failsThenWorks').map((run) => run.attempt)).toEqual([1, 2, 3]);
        expect(Date.now() - started).toBeLessThan(group.lateMs + 2_000);
      });

      test('worker restarts in the middle of an attempt consume no attempt: five in a row, a budget of two, attempt 1', async () => {
        const id = group.id('retry-crash');
        await group.runtime().start(heldStep, {}, { id });
        for (let restarts = 1; restarts <= RESTARTS; restarts++) {
          await vi.waitFor(() => expect(probe.count(id, 'gatedStep')).toBe(restarts), {
            timeout: 60_000,
            interval: 25,
          });
          await group.restart();
        }
        await vi.waitFor(() => expect(probe.count(id, 'gatedStep')).toBe(RESTARTS + 1), {
          timeout: 60_000,
          interval: 25,
        });
        probe.openGate(`gate-${id}`);
        await expect(group.runtime().handle(heldStep, id).result()).resolves.toEqual({ attempt: 1 });
        expect(probe.runs(id, 'gatedStep').map((run) => run.attempt)).toEqual(Array(RESTARTS + 1).fill(1));
      });
    },
    (group) => group.runtime().run(retriesAtOnce, {}, { id: group.id('probe-retries') }),
  );
}
