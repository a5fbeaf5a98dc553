import { ExecutionNotFoundError, ValidationError, WorkflowFailedError } from '@durable-runtime/core';
import { expect, test } from 'vitest';
import { badOutput, echo, probe } from '../fixtures.js';
import { defineGroup, rejectionOf } from '../harness.js';
import type { ConformanceOptions } from '../options.js';

/** Spec 1: start and identity. */
export function startTests(options: ConformanceOptions): void {
  defineGroup(options, 'start', undefined, (group) => {
    test('run starts and returns the output', async () => {
      const id = group.id('echo');
      await expect(group.runtime().run(echo, { value: 'a', count: 1 }, { id })).resolves.toEqual({
        value: 'a',
        count: 1,
      });
      expect(await group.runtime().handle(echo, id).status()).toBe('completed');
    });

    test('starting an existing id attaches to it: one execution, the first input wins', async () => {
      const id = group.id('echo-twice');
      const first = await group.runtime().start(echo, { value: 'first', count: 1 }, { id });
      await first.result();
      const second = await group.runtime().start(echo, { value: 'second', count: 2 }, { id });
      expect(second.id).toBe(id);
      await expect(second.result()).resolves.toEqual({ value: 'first', count: 1 });
      expect(probe.count(id, 'recordCall')).toBe(1);
    });

    test('N concurrent starts of one id give one execution', async () => {
      const id = group.id('echo-race');
      const handles = await Promise.all(
        Array.from({ length: 8 }, (_, i) => group.runtime().start(echo, { value: `v${i}`, count: i }, { id })),
      );
      const results = await Promise.all(handles.map((handle) => handle.result()));
      expect(new Set(results.map((result) => JSON.stringify(result))).size).toBe(1);
      expect(probe.count(id, 'recordCall')).toBe(1);
    });

    test('invalid input is rejected naming the field, and nothing is created', async () => {
      const id = group.id('echo-invalid');
      const error = await rejectionOf(
        group.runtime().start(echo, { value: 'x', count: 1.5 } as unknown as { value: string; count: number }, { id }),
      );
      expect(ValidationError.is(error)).toBe(true);
      expect((error as ValidationError).issues.map((issue) => issue.path)).toContain('count');
      expect(error.message).toContain('count');
      expect(ExecutionNotFoundError.is(await rejectionOf(group.runtime().handle(echo, id).status()))).toBe(true);
    });

    test('a handle attaches by id', async () => {
      const id = group.id('echo-attach');
      await group.runtime().start(echo, { value: 'attached', count: 3 }, { id });
      await expect(group.runtime().handle(echo, id).result()).resolves.toEqual({ value: 'attached', count: 3 });
    });

    test('acting on an id that was never started rejects with ExecutionNotFoundError and creates nothing', async () => {
      const id = group.id('never-started');
      const handle = group.runtime().handle(echo, id);
      const attempts: Array<() => Promise<unknown>> = [
        () => handle.status(),
        () => handle.result(),
        () => handle.resolvePromise('p', 1),
        () => handle.rejectPromise('p', 'no'),
        () => handle.getState('k'),
        () => handle.send('c', 1),
        () => handle.cancel(),
      ];
      for (const attempt of attempts) {
        const error = await rejectionOf(attempt());
        expect(ExecutionNotFoundError.is(error), `${attempt.toString()} -> ${String(error)}`).toBe(true);
      }
      expect(ExecutionNotFoundError.is(await rejectionOf(handle.status()))).toBe(true);
    });

    test('an output that fails the output schema fails the execution with a ValidationError', async () => {
      const id = group.id('bad-output');
      const error = await rejectionOf(group.runtime().run(badOutput, {}, { id }));
      expect(WorkflowFailedError.is(error)).toBe(true);
      expect((error as WorkflowFailedError).cause.name).toBe('ValidationError');
      expect((error as WorkflowFailedError).cause.message).toContain('ok');
      expect(await group.runtime().handle(badOutput, id).status()).toBe('failed');
    });
  });
}
