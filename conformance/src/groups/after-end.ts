import { ExecutionEndedError, type ExecutionHandle, type ExecutionStatus } from '@durable-runtime/core';
import { expect, test } from 'vitest';
import { cancellable, echo, failing, gatedPromise, stateful } from '../fixtures.js';
import { defineGroup, featureTest, type GroupContext, rejectionOf, waitForState } from '../harness.js';
import type { ConformanceOptions } from '../options.js';

/** Deliveries to an ended execution reject with `ExecutionEndedError` naming it and its status. */
async function expectDeliveriesRefused(handle: ExecutionHandle, status: ExecutionStatus): Promise<void> {
  const deliveries: Array<[string, () => Promise<unknown>]> = [
    ['resolvePromise', () => handle.resolvePromise('late', 'webhook')],
    ['rejectPromise', () => handle.rejectPromise('late', 'webhook')],
    ['send', () => handle.send('late', 'message')],
  ];
  for (const [name, deliver] of deliveries) {
    const error = await rejectionOf(deliver());
    expect(ExecutionEndedError.is(error), `${name}: ${String(error)}`).toBe(true);
    expect(error.message, name).toContain(`'${handle.id}'`);
    expect((error as ExecutionEndedError).status, name).toBe(status);
  }
}

async function cancelledExecution(group: GroupContext) {
  const handle = await group.runtime().start(cancellable, { waitOn: 'promise' }, { id: group.id('ended-cancelled') });
  await waitForState(handle, 'phase', 'waiting');
  await handle.cancel();
  await rejectionOf(handle.result());
  return handle;
}

/** Spec 16: what an ended execution answers, and what it refuses. */
export function afterEndTests(options: ConformanceOptions): void {
  defineGroup(options, 'after-end', undefined, (group) => {
    test('a completed execution refuses deliveries with ExecutionEndedError; status, state and result answer', async () => {
      const handle = await group.runtime().start(stateful, {}, { id: group.id('ended-completed') });
      await waitForState(handle, 'phase', 'started');
      await handle.resolvePromise('continue', true);
      const result = await handle.result();
      await expectDeliveriesRefused(handle, 'completed');
      expect(await handle.status()).toBe('completed');
      expect(await handle.getState('phase')).toBe('done');
      await expect(handle.result()).resolves.toEqual(result);
    });

    test('a failed execution refuses deliveries with ExecutionEndedError', async () => {
      const handle = await group.runtime().start(failing, { message: 'over' }, { id: group.id('ended-failed') });
      await rejectionOf(handle.result());
      await expectDeliveriesRefused(handle, 'failed');
      expect(await handle.status()).toBe('failed');
    });

    featureTest(
      group,
      'cancellation',
      'a cancelled execution refuses deliveries with ExecutionEndedError',
      async () => {
        const handle = await cancelledExecution(group);
        await expectDeliveriesRefused(handle, 'cancelled');
      },
    );

    test('cancel() of an ended execution is a no-op', async () => {
      const id = group.id('ended-cancel');
      const output = await group.runtime().run(echo, { value: 'kept', count: 1 }, { id });
      const handle = group.runtime().handle(echo, id);
      await handle.cancel();
      await handle.cancel();
      expect(await handle.status()).toBe('completed');
      await expect(handle.result()).resolves.toEqual(output);
    });

    test('resolvePromise tells whether its value won: the first settlement, before the workflow waits', async () => {
      const handle = await group.runtime().start(gatedPromise, {}, { id: group.id('won-first') });
      await waitForState(handle, 'phase', 'waiting');
      expect(await handle.resolvePromise('p', 'first')).toBe(true);
      expect(await handle.resolvePromise('p', 'second')).toBe(false);
      expect(await handle.rejectPromise('p', 'third')).toBe(false);
      expect(await handle.resolvePromise('gate', 'open')).toBe(true);
      await expect(handle.result()).resolves.toBe('first');
    });

    test('of concurrent resolutions exactly one wins, and the workflow gets its value', async () => {
      const handle = await group.runtime().start(gatedPromise, {}, { id: group.id('won-race') });
      await waitForState(handle, 'phase', 'waiting');
      const values = Array.from({ length: 6 }, (_, i) => `v${i}`);
      const won = await Promise.all(values.map((value) => handle.resolvePromise('p', value)));
      expect(won.filter(Boolean)).toHaveLength(1);
      await handle.resolvePromise('gate', 'open');
      await expect(handle.result()).resolves.toBe(values[won.indexOf(true)]);
    });
  });
}
