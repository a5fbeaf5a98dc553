import { childExecutionId } from '@durable-runtime/core';
import { expect, test, vi } from 'vitest';
import { child, factorial, parent, parentThenWait, probe } from '../fixtures.js';
import { defineGroup, featureTest, waitForState } from '../harness.js';
import type { ConformanceOptions } from '../options.js';

/** Spec 7: child executions. */
export function childTests(options: ConformanceOptions): void {
  defineGroup(
    options,
    'children',
    'children',
    (group) => {
      test('ctx.call waits for a child; ids are explicit or derived; failures are catchable', async () => {
        const id = group.id('parent');
        const childId = group.id('named-child');
        const result = await group.runtime().run(parent, { childId, delayMs: 0 }, { id });
        expect(result.named).toMatchObject({ doubled: 2, id: childId });
        expect(result.derived).toMatchObject({ doubled: 4, id: childExecutionId(id, 'child', 0) });
        expect(result.failure).toMatchObject({
          name: 'WorkflowFailedError',
          cause: { name: 'ChildRefusal', message: 'child 3 refused' },
        });
        expect(result.fired).toEqual({ workflowName: 'child', id: `${childId}-fired` });
        const fired = group.runtime().handle(child, `${childId}-fired`);
        await expect(fired.result()).resolves.toMatchObject({ doubled: 8 });
        expect(await group.runtime().handle(child, childId).status()).toBe('completed');
      });

      featureTest(
        group,
        'delayedStart',
        'ctx.start with a delay starts the child no earlier than the delay',
        async () => {
          const delayMs = group.ms(800);
          const childId = group.id('delayed-child');
          const result = await group.runtime().run(parent, { childId, delayMs }, { id: group.id('parent-delay') });
          const fired = await vi.waitFor(() => group.runtime().handle(child, `${childId}-fired`).result(), {
            timeout: 20_000,
            interval: 50,
          });
          expect(fired.startedAt).toBeGreaterThanOrEqual(result.startedAt + delayMs);
          expect(fired.startedAt).toBeLessThan(result.startedAt + delayMs + group.lateMs);
        },
      );

      test('a child is started exactly once when the parent replays', async () => {
        const id = group.id('parent-once');
        const childId = group.id('once-child');
        const handle = await group.runtime().start(parentThenWait, { childId }, { id });
        await waitForState(handle, 'phase', 'waiting');
        await expect(group.runtime().handle(child, childId).result()).resolves.toMatchObject({ doubled: 14 });
        await group.restart();
        const resumed = group.runtime().handle(parentThenWait, id);
        await resumed.resolvePromise('go', true);
        await expect(resumed.result()).resolves.toBe('done');
        expect(probe.count(childId, 'recordCall')).toBe(1);
      });

      test('recursion: a workflow calls itself (factorial)', async () => {
        await expect(group.runtime().run(factorial, 6, { id: group.id('factorial') })).resolves.toBe(720);
      });
    },
    (group) => group.runtime().run(factorial, 2, { id: group.id('probe-children') }),
  );
}
