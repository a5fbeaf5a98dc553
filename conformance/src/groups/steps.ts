import { DEFAULT_RETRY_POLICY } from '@durable-runtime/core';
import { expect, test } from 'vitest';
import { probe, retrying, stepInfo, stepsAroundWait, stepTimeout } from '../fixtures.js';
import { defineGroup, featureTest, waitForState } from '../harness.js';
import type { ConformanceOptions } from '../options.js';

/** Spec 2: steps, retries, attempt timeouts, exactly-once recording. */
export function stepTests(options: ConformanceOptions): void {
  defineGroup(
    options,
    'steps',
    'steps',
    (group) => {
      const fast = { initialInterval: 20, backoffCoefficient: 1 };

      test('a failing step is retried until it succeeds, with exact attempt counts', async () => {
        const id = group.id('retry-ok');
        const result = await group
          .runtime()
          .run(retrying, { failTimes: 2, retry: { ...fast, maxAttempts: 3 } }, { id });
        expect(result).toEqual({ ok: true, attempt: 3 });
        expect(probe.count(id, 'flaky')).toBe(3);
      });

      test('when attempts run out, ctx.run throws a catchable StepFailedError with the cause', async () => {
        const id = group.id('retry-exhausted');
        const result = await group
          .runtime()
          .run(retrying, { failTimes: 10, retry: { ...fast, maxAttempts: 2 } }, { id });
        expect(result).toEqual({
          ok: false,
          error: {
            name: 'StepFailedError',
            message: "Step 'flaky' failed after 2 attempts: FlakyError: flaky failure on attempt 2",
            stepName: 'flaky',
            attempts: 2,
            cause: { name: 'FlakyError', message: 'flaky failure on attempt 2' },
          },
        });
        expect(probe.count(id, 'flaky')).toBe(2);
      });

      test('a TerminalError is never retried', async () => {
        const id = group.id('terminal');
        const result = await group
          .runtime()
          .run(retrying, { failTimes: 5, terminal: true, retry: { ...fast, maxAttempts: 5 } }, { id });
        expect(result).toMatchObject({
          ok: false,
          error: {
            name: 'StepFailedError',
            attempts: 1,
            cause: { name: 'TerminalError', message: 'terminal failure on attempt 1' },
          },
        });
        expect(probe.count(id, 'flaky')).toBe(1);
      });

      test(`the default policy makes ${DEFAULT_RETRY_POLICY.maxAttempts} attempts`, async () => {
        const id = group.id('default-policy');
        const result = await group.runtime().run(retrying, { failTimes: 100, retry: fast }, { id });
        expect(result).toMatchObject({ ok: false, error: { attempts: DEFAULT_RETRY_POLICY.maxAttempts } });
        expect(probe.count(id, 'flaky')).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
      });

      test('retries back off: never earlier than initialInterval * coefficient^(n-1)', async () => {
        const id = group.id('backoff');
        const initial = group.ms(200);
        await group
          .runtime()
          .run(
            retrying,
            { failTimes: 2, retry: { maxAttempts: 3, initialInterval: initial, backoffCoefficient: 2 } },
            { id },
          );
        const times = probe.runs(id, 'flaky').map((run) => run.at);
        expect(times).toHaveLength(3);
        const [a, b, c] = times as [number, number, number];
        expect(b - a).toBeGreaterThanOrEqual(initial - 5);
        expect(c - b).toBeGreaterThanOrEqual(2 * initial - 5);
        expect(c - a).toBeLessThan(3 * initial + 2 * group.lateMs);
      });

      test('step info exposes attempt, executionId and stepName', async () => {
        const id = group.id('info');
        await expect(group.runtime().run(stepInfo, {}, { id })).resolves.toEqual({
          attempt: 1,
          executionId: id,
          stepName: 'describeStep',
        });
      });

      featureTest(group, 'stepTimeouts', 'an attempt over its timeout fails and is retried', async () => {
        const id = group.id('step-timeout');
        const timeoutMs = group.ms(300);
        const result = await group
          .runtime()
          .run(stepTimeout, { slowMs: timeoutMs + 10_000, timeoutMs, maxAttempts: 2 }, { id });
        expect(result).toEqual({ ok: true, attempt: 2 });
        expect(probe.count(id, 'slowFirst')).toBe(2);
      });

      featureTest(group, 'stepTimeouts', 'when every attempt times out, the cause is a TimeoutError', async () => {
        const id = group.id('step-timeout-final');
        const timeoutMs = group.ms(200);
        const result = await group
          .runtime()
          .run(stepTimeout, { slowMs: timeoutMs + 10_000, timeoutMs, maxAttempts: 1 }, { id });
        expect(result).toMatchObject({
          ok: false,
          error: { name: 'StepFailedError', attempts: 1, cause: { name: 'TimeoutError' } },
        });
      });

      test('a recorded step never runs again, across a restart', async () => {
        const id = group.id('recorded-once');
        const handle = await group.runtime().start(stepsAroundWait, {}, { id });
        await waitForState(handle, 'phase', 'waiting');
        await group.restart();
        const resumed = group.runtime().handle(stepsAroundWait, id);
        await resumed.resolvePromise('go', 'now');
        await expect(resumed.result()).resolves.toEqual(['before', 'after-now']);
        expect(probe.runs(id, 'recordCall').map((run) => run.attempt)).toEqual([1, 1]);
      });
    },
    (group) => group.runtime().run(stepInfo, {}, { id: group.id('probe-steps') }),
  );
}
