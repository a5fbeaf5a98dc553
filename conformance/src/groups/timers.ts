import { expect, test } from 'vitest';
import { sleeper } from '../fixtures.js';
import { defineGroup, waitForState } from '../harness.js';
import type { ConformanceOptions } from '../options.js';

/** Spec 3: durable timers. */
export function timerTests(options: ConformanceOptions): void {
  defineGroup(
    options,
    'timers',
    'timers',
    (group) => {
      test('ctx.sleep never wakes early and not much late', async () => {
        const ms = group.ms(600);
        const started = Date.now();
        await expect(group.runtime().run(sleeper, { duration: ms }, { id: group.id('sleep') })).resolves.toBe('awake');
        const elapsed = Date.now() - started;
        expect(elapsed).toBeGreaterThanOrEqual(ms);
        expect(elapsed).toBeLessThan(ms + group.lateMs);
      });

      test('duration strings are accepted', async () => {
        const seconds = group.ms(1000) / 1000;
        const started = Date.now();
        await group.runtime().run(sleeper, { duration: `${seconds}s` }, { id: group.id('sleep-string') });
        expect(Date.now() - started).toBeGreaterThanOrEqual(seconds * 1000);
      });

      test('ctx.sleepUntil waits until the given time', async () => {
        const until = Date.now() + group.ms(700);
        await expect(group.runtime().run(sleeper, { until }, { id: group.id('sleep-until') })).resolves.toBe('awake');
        expect(Date.now()).toBeGreaterThanOrEqual(until);
        expect(Date.now()).toBeLessThan(until + group.lateMs);
      });

      test('a sleep survives a worker restart', async () => {
        const ms = group.ms(1500);
        const id = group.id('sleep-restart');
        const started = Date.now();
        const handle = await group.runtime().start(sleeper, { duration: ms }, { id });
        await waitForState(handle, 'phase', 'sleeping');
        await group.restart();
        await expect(group.runtime().handle(sleeper, id).result()).resolves.toBe('awake');
        expect(Date.now() - started).toBeGreaterThanOrEqual(ms);
      });
    },
    (group) => group.runtime().run(sleeper, { duration: 10 }, { id: group.id('probe-timers') }),
  );
}
