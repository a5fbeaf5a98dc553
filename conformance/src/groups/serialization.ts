import { ExecutionNotFoundError, SerializationError, WorkflowFailedError } from '@durable-runtime/core';
import { expect, test } from 'vitest';
import { awaitPromise, badReturn, badState, echo, inbox, nonJsonStep, probe } from '../fixtures.js';
import { defineGroup, rejectionOf, waitForState } from '../harness.js';
import type { ConformanceOptions } from '../options.js';

/** Spec 10: everything is JSON; what JSON cannot carry is rejected at the call site. */
export function serializationTests(options: ConformanceOptions): void {
  defineGroup(options, 'serialization', undefined, (group) => {
    test('input that is not JSON is rejected before anything is created', async () => {
      const id = group.id('bad-input');
      const input = { value: 'x', count: 1, extra: () => 1 } as unknown as { value: string; count: number };
      const error = await rejectionOf(group.runtime().start(echo, input, { id }));
      expect(SerializationError.is(error), String(error)).toBe(true);
      expect(error.message).toContain('extra');
      expect(ExecutionNotFoundError.is(await rejectionOf(group.runtime().handle(echo, id).status()))).toBe(true);
    });

    test('a step result that is not JSON fails the step without retries', async () => {
      const id = group.id('bad-step-result');
      const result = await group.runtime().run(nonJsonStep, {}, { id });
      expect(result).toMatchObject({
        ok: false,
        error: { name: 'StepFailedError', attempts: 1, cause: { name: 'SerializationError' } },
      });
      expect(probe.count(id, 'returnsBigInt')).toBe(1);
    });

    test('state that is not JSON throws a catchable SerializationError in the workflow', async () => {
      const result = await group.runtime().run(badState, {}, { id: group.id('bad-state') });
      expect(result).toMatchObject({ ok: false, error: { name: 'SerializationError' } });
    });

    test('an output that is not JSON fails the execution with a SerializationError', async () => {
      const error = (await rejectionOf(
        group.runtime().run(badReturn, {}, { id: group.id('bad-return') }),
      )) as WorkflowFailedError;
      expect(WorkflowFailedError.is(error)).toBe(true);
      expect(error.cause.name).toBe('SerializationError');
    });

    test('promise values and messages that are not JSON are rejected at the call site', async () => {
      const handle = await group.runtime().start(awaitPromise, { name: 'p' }, { id: group.id('bad-values') });
      await waitForState(handle, 'phase', 'waiting');
      expect(SerializationError.is(await rejectionOf(handle.resolvePromise('p', { when: new Date() })))).toBe(true);
      expect(SerializationError.is(await rejectionOf(handle.resolvePromise('p', 10n)))).toBe(true);
      await handle.resolvePromise('p', 'fine');
      await expect(handle.result()).resolves.toEqual({ ok: true, value: 'fine' });
      const box = await group.runtime().start(inbox, { channel: 'c', count: 1 }, { id: group.id('bad-message') });
      expect(SerializationError.is(await rejectionOf(box.send('c', Symbol('s'))))).toBe(true);
      await box.send('c', 'ok');
      await expect(box.result()).resolves.toEqual(['ok']);
    });
  });
}
