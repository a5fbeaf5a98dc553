import { CANCELLED_MESSAGE, type ExecutionHandle, WorkflowFailedError } from '@durable-runtime/core';
import { expect, test, vi } from 'vitest';
import {
  blockedChild,
  callsBlockedChild,
  collector,
  compensating,
  delaysChild,
  noter,
  outlivesTimeout,
  probe,
  startsBlockedChild,
  stepThenReturn,
  waitsForP,
} from '../fixtures.js';
import { defineGroup, featureTest, rejectionOf, sleep, waitForState } from '../harness.js';
import type { ConformanceOptions } from '../options.js';

/** The execution ended cancelled, with the one message of every backend. */
async function expectCancelled(handle: ExecutionHandle): Promise<void> {
  const error = await rejectionOf(handle.result());
  expect(WorkflowFailedError.is(error), String(error)).toBe(true);
  expect((error as WorkflowFailedError).cause).toMatchObject({ name: 'CancelledError', message: CANCELLED_MESSAGE });
  expect(await handle.status()).toBe('cancelled');
}

async function waitForStatus(handle: ExecutionHandle, status: string, timeout = 20_000): Promise<void> {
  await vi.waitFor(async () => expect(await handle.status()).toBe(status), { timeout, interval: 50 });
}

/** Spec 13: cancellation interrupts whatever the workflow awaits, is durable once it returns, allows compensation. */
export function cancellationTests(options: ConformanceOptions): void {
  defineGroup(
    options,
    'cancellation',
    'cancellation',
    (group) => {
      test('cancel() while a step runs: the await throws at once, the attempt is told by info.signal, its late result is discarded', async () => {
        const id = group.id('cancel-step');
        const handle = await group.runtime().start(stepThenReturn, { holdMs: 60_000 }, { id });
        await vi.waitFor(() => expect(probe.count(id, 'gatedStep')).toBe(1), { timeout: 20_000, interval: 25 });
        const started = Date.now();
        await handle.cancel();
        await expectCancelled(handle);
        expect(Date.now() - started).toBeLessThan(group.lateMs);
        await vi.waitFor(() => expect(probe.count(id, 'aborted:CancelledError')).toBe(1), { timeout: 10_000 });
        probe.openGate(`gate-${id}`);
        await sleep(200);
        expect(await handle.status()).toBe('cancelled');
        expect(await handle.getState('phase')).toBe('stepping');
        expect(probe.count(id, 'gatedStep')).toBe(1);
      });

      test('cancel() is durable once it returns: a resolution right after it cannot complete the execution', async () => {
        const handles = await Promise.all(
          [0, 1, 2].map((i) => group.runtime().start(waitsForP, {}, { id: group.id(`cancel-race-${i}`) })),
        );
        await Promise.all(handles.map((handle) => waitForState(handle, 'phase', 'waiting')));
        await Promise.all(
          handles.map(async (handle) => {
            await handle.cancel();
            await handle.resolvePromise('p', 'too late').catch(() => false);
          }),
        );
        for (const handle of handles) await expectCancelled(handle);
      });

      test('after catching the cancellation the workflow compensates: steps, state, send and start work; it ends completed', async () => {
        const id = group.id('compensate');
        const collectorHandle = await group.runtime().start(collector, {}, { id: group.id('collector') });
        await waitForState(collectorHandle, 'phase', 'waiting');
        const childId = group.id('compensation-child');
        const handle = await group.runtime().start(compensating, { collectorId: collectorHandle.id, childId }, { id });
        await waitForState(handle, 'phase', 'waiting');
        await handle.cancel();
        const result = await handle.result();
        expect(result.cancelled).toEqual({ name: 'CancelledError', message: CANCELLED_MESSAGE });
        expect(result.step).toBe('compensate');
        expect(await handle.status()).toBe('completed');
        expect(await handle.getState('compensated')).toBe(true);
        await expect(collectorHandle.result()).resolves.toBe('undo');
        await expect(group.runtime().handle(noter, childId).result()).resolves.toBe('after-cancel');
        expect(probe.count(id, 'note:compensate')).toBe(1);
      });

      test('after a cancellation, new sleeps, promises, receives and calls throw CancelledError at once', async () => {
        const id = group.id('after-cancel');
        const collectorHandle = await group.runtime().start(collector, {}, { id: group.id('collector') });
        const handle = await group
          .runtime()
          .start(compensating, { collectorId: collectorHandle.id, childId: group.id('child') }, { id });
        await waitForState(handle, 'phase', 'waiting');
        const started = Date.now();
        await handle.cancel();
        const { after } = await handle.result();
        const cancelled = { ok: false, error: { name: 'CancelledError', message: CANCELLED_MESSAGE } };
        expect(after).toEqual({ sleep: cancelled, promise: cancelled, receive: cancelled, call: cancelled });
        expect(Date.now() - started).toBeLessThan(group.lateMs);
      });

      test('cancelling a parent that waits in ctx.call cancels the child too', async () => {
        const childId = group.id('called-child');
        const parent = await group.runtime().start(callsBlockedChild, { childId }, { id: group.id('call-parent') });
        const childHandle = group.runtime().handle(blockedChild, childId);
        await vi.waitFor(async () => expect(await childHandle.getState('phase')).toBe('waiting'), {
          timeout: 20_000,
          interval: 50,
        });
        await parent.cancel();
        await expectCancelled(parent);
        await waitForStatus(childHandle, 'cancelled');
        await expectCancelled(childHandle);
      });

      test('a child started with ctx.start is not cancelled with its parent', async () => {
        const childId = group.id('started-child');
        const parent = await group.runtime().start(startsBlockedChild, { childId }, { id: group.id('start-parent') });
        await waitForState(parent, 'phase', 'started');
        await parent.cancel();
        await expectCancelled(parent);
        const childHandle = group.runtime().handle(blockedChild, childId);
        await waitForState(childHandle, 'phase', 'waiting');
        expect(await childHandle.status()).toBe('running');
        await childHandle.resolvePromise('go', true);
        await expect(childHandle.result()).resolves.toBe('child-done');
      });

      featureTest(group, 'delayedStart', 'a delayed child cancelled before it starts never runs', async () => {
        const childId = group.id('delayed-child');
        const delayMs = group.ms(1500);
        await group.runtime().run(delaysChild, { childId, delayMs }, { id: group.id('delay-parent') });
        const childHandle = group.runtime().handle(noter, childId);
        await childHandle.cancel();
        await sleep(delayMs + 1000);
        await expectCancelled(childHandle);
        expect(probe.count(childId, 'note:delayed')).toBe(0);
      });

      featureTest(
        group,
        'stepTimeouts',
        'an attempt over its timeout is told by info.signal (reason: TimeoutError)',
        async () => {
          const id = group.id('timeout-signal');
          const result = await group.runtime().run(outlivesTimeout, { timeoutMs: 300 }, { id });
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.error.cause?.name).toBe('TimeoutError');
          await vi.waitFor(() => expect(probe.count(id, 'aborted:TimeoutError')).toBe(1), { timeout: 5_000 });
        },
      );
    },
    (group) =>
      group
        .runtime()
        .start(waitsForP, {}, { id: group.id('probe-cancel') })
        .then((h) => h.cancel()),
  );
}
