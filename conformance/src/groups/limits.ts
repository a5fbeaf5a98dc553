import {
  DEFAULT_MAX_PAYLOAD_BYTES,
  ExecutionNotFoundError,
  PayloadTooLargeError,
  ValidationError,
  WorkflowFailedError,
} from '@durable-runtime/core';
import { expect, test } from 'vitest';
import { bigPayloads, echo, longWaits, namedEverything, overLimitInside, overLimitOutput, probe } from '../fixtures.js';
import { defineGroup, featureTest, rejectionOf, waitForState } from '../harness.js';
import type { ConformanceOptions } from '../options.js';

const LIMIT = DEFAULT_MAX_PAYLOAD_BYTES;
/** Within the limit with room for the JSON around it. */
const NEAR_LIMIT = LIMIT - 64 * 1024;
const OVER_LIMIT = LIMIT + 1024;

function expectTooLarge(error: unknown, payload: string): void {
  expect(PayloadTooLargeError.is(error), String(error)).toBe(true);
  const tooLarge = error as PayloadTooLargeError;
  expect(tooLarge.payload).toContain(payload);
  expect(tooLarge.limitBytes).toBe(LIMIT);
  expect(tooLarge.sizeBytes).toBeGreaterThan(LIMIT);
  expect(tooLarge.message).toContain(String(LIMIT));
}

/** Spec 18: one payload limit, checked before the engine; names and ids valid by the rules work everywhere. */
export function limitTests(options: ConformanceOptions): void {
  defineGroup(options, 'limits', undefined, (group) => {
    test('a payload just within the limit works as input, step result, state, promise value, message and output', async () => {
      const data = 'd'.repeat(NEAR_LIMIT);
      const handle = await group.runtime().start(bigPayloads, { data }, { id: group.id('big') });
      await waitForState(handle, 'phase', 'waiting', 60_000);
      expect(await handle.getState('big')).toBe(data);
      expect(await handle.resolvePromise('big', data)).toBe(true);
      await handle.send('big', data);
      const result = await handle.result();
      expect(result.data === data).toBe(true);
      expect(result).toMatchObject({ stepLength: NEAR_LIMIT, promisedSame: true, messageSame: true });
    });

    test('payloads over the limit from outside are refused at the call site, naming payload, size and limit', async () => {
      const big = 'x'.repeat(OVER_LIMIT);
      const id = group.id('too-big-input');
      expectTooLarge(await rejectionOf(group.runtime().start(echo, { value: big, count: 1 }, { id })), 'input');
      expect(ExecutionNotFoundError.is(await rejectionOf(group.runtime().handle(echo, id).status()))).toBe(true);
      const handle = await group.runtime().start(namedEverything, { name: 'p' }, { id: group.id('too-big') });
      await waitForState(handle, 'phase', 'waiting');
      expectTooLarge(await rejectionOf(handle.resolvePromise('p', big)), "promise 'p'");
      expectTooLarge(await rejectionOf(handle.send('p', big)), "channel 'p'");
      expect(await handle.resolvePromise('p', 'small')).toBe(true);
      await handle.send('p', 'fits');
      await expect(handle.result()).resolves.toEqual({ promised: 'small', received: 'fits', state: 'state:p' });
    });

    test('payloads over the limit inside a workflow fail at the call, catchable; a step result is not retried', async () => {
      const id = group.id('too-big-inside');
      const result = await group.runtime().run(overLimitInside, { bytes: OVER_LIMIT, selfId: id }, { id });
      expect(result.state).toMatchObject({ ok: false, error: { name: 'PayloadTooLargeError' } });
      expect(result.send).toMatchObject({ ok: false, error: { name: 'PayloadTooLargeError' } });
      expect(result.step).toMatchObject({
        ok: false,
        error: { name: 'StepFailedError', attempts: 1, cause: { name: 'PayloadTooLargeError' } },
      });
      expect(probe.count(id, 'sizedResult')).toBe(1);
      expect(await group.runtime().handle(overLimitInside, id).getState('big')).toBeUndefined();
    });

    test('an output over the limit fails the execution with a PayloadTooLargeError', async () => {
      const id = group.id('too-big-output');
      const error = await rejectionOf(group.runtime().run(overLimitOutput, { bytes: OVER_LIMIT }, { id }));
      expect(WorkflowFailedError.is(error), String(error)).toBe(true);
      expect((error as WorkflowFailedError).cause.name).toBe('PayloadTooLargeError');
      expect(await group.runtime().handle(overLimitOutput, id).status()).toBe('failed');
    });

    for (const name of ['constructor', '__proto__', 'toString']) {
      test(`'${name}' works as a state key, a promise name and a channel`, async () => {
        const handle = await group.runtime().start(namedEverything, { name }, { id: group.id(`name-${name}`) });
        await waitForState(handle, 'phase', 'waiting');
        expect(await handle.getState(name)).toBe(`state:${name}`);
        expect(await handle.resolvePromise(name, `promise:${name}`)).toBe(true);
        await handle.send(name, `message:${name}`);
        await expect(handle.result()).resolves.toEqual({
          promised: `promise:${name}`,
          received: `message:${name}`,
          state: `state:${name}`,
        });
        const all = (await handle.getState()) as Record<string, unknown>;
        expect(Object.hasOwn(all, name) && all[name]).toBe(`state:${name}`);
      });
    }

    test('ids: every allowed character and 512 characters work; . and .. are refused by the id rule', async () => {
      const unique = group.id('ids');
      const ids = [`A-z_0.9~${unique}`, `${unique}-`.padEnd(512, 'x'), `..${unique}`, `${unique}.`];
      for (const id of ids) {
        await expect(group.runtime().run(echo, { value: id.slice(0, 20), count: 1 }, { id })).resolves.toEqual({
          value: id.slice(0, 20),
          count: 1,
        });
        expect(await group.runtime().handle(echo, id).status()).toBe('completed');
      }
      for (const id of ['.', '..', 'a/b', 'x'.repeat(513)]) {
        expect(
          ValidationError.is(await rejectionOf(group.runtime().start(echo, { value: 'v', count: 1 }, { id }))),
          id,
        ).toBe(true);
      }
    });

    featureTest(
      group,
      'cancellation',
      'waits and sleeps longer than 2^31 ms work, with no timer overflow',
      async () => {
        const warnings: string[] = [];
        const onWarning = (warning: Error) => warnings.push(warning.name);
        process.on('warning', onWarning);
        try {
          const handle = await group.runtime().start(longWaits, {}, { id: group.id('long-waits') });
          await waitForState(handle, 'phase', 'waiting');
          await handle.resolvePromise('go', 'early');
          await handle.send('in', 'soon');
          await waitForState(handle, 'phase', 'sleeping');
          expect(await handle.status()).toBe('running');
          await handle.cancel();
          await rejectionOf(handle.result());
          expect(await handle.status()).toBe('cancelled');
        } finally {
          process.off('warning', onWarning);
        }
        expect(warnings.filter((name) => name === 'TimeoutOverflowWarning')).toEqual([]);
      },
    );
  });
}
