import { type Runtime, RuntimeClosedError } from '@durable-runtime/core';
import { expect, test } from 'vitest';
import { echo, stateful } from '../fixtures.js';
import { defineGroup, fixtureSetup, rejectionOf, waitForState, within } from '../harness.js';
import type { ConformanceOptions } from '../options.js';

/** How long a client call may take with no worker running: the request timeout, with room for a loaded machine. */
const CLIENT_CALL_LIMIT_MS = 12_000;

async function timed<T>(what: string, call: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const value = await call();
  expect(Date.now() - started, `${what} took too long`).toBeLessThan(CLIENT_CALL_LIMIT_MS);
  return value;
}

/** Spec 17 and 19: answers without a worker, and a closed runtime that says so. */
export function outageTests(options: ConformanceOptions): void {
  defineGroup(options, 'outages', undefined, (group) => {
    test('with no worker running, status, result and getState of an ended execution answer', async () => {
      const id = group.id('no-worker');
      const handle = await group.runtime().start(stateful, {}, { id });
      await waitForState(handle, 'phase', 'started');
      await handle.resolvePromise('continue', true);
      const output = await handle.result();
      await group.withoutWorker(async (client: Runtime) => {
        const ended = client.handle(stateful, id);
        expect(await timed('status', () => ended.status())).toBe('completed');
        await expect(timed('result', () => ended.result())).resolves.toEqual(output);
        expect(await timed('getState', () => ended.getState('phase'))).toBe('done');
        expect(await timed('getState()', () => ended.getState())).toMatchObject({ phase: 'done', nullable: null });
      });
    });

    test('with no worker running, a start is accepted durably and runs once a worker starts', async () => {
      const id = group.id('no-worker-start');
      await group.withoutWorker(async (client: Runtime) => {
        const handle = await timed('start', () => client.start(echo, { value: 'queued', count: 2 }, { id }));
        expect(await timed('status', () => handle.status())).toBe('running');
      });
      const result = within(group.runtime().handle(echo, id).result(), 30_000, 'result() once a worker runs');
      await expect(result).resolves.toEqual({ value: 'queued', count: 2 });
    });

    test('a closed runtime rejects every call with RuntimeClosedError', async () => {
      const runtime = await options.createRuntime(fixtureSetup(1));
      const id = group.id('closed');
      await runtime.run(echo, { value: 'before', count: 1 }, { id });
      const handle = runtime.handle(echo, id);
      await runtime.close();
      await runtime.close();
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['start', () => runtime.start(echo, { value: 'after', count: 1 }, { id: group.id('closed-start') })],
        ['run', () => runtime.run(echo, { value: 'after', count: 1 })],
        ['status', () => handle.status()],
        ['result', () => handle.result()],
        ['resolvePromise', () => handle.resolvePromise('p', 1)],
        ['getState', () => handle.getState('k')],
        ['send', () => handle.send('c', 1)],
        ['cancel', () => handle.cancel()],
        ['new handle', () => runtime.handle(echo, id).status()],
      ];
      for (const [name, call] of calls) {
        const error = await rejectionOf(call());
        expect(RuntimeClosedError.is(error), `${name}: ${String(error)}`).toBe(true);
        expect(error.message).toContain(runtime.backend);
      }
    });
  });
}
