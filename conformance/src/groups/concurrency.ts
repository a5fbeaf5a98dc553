import type { ExecutionHandle } from '@durable-runtime/core';
import { expect, test, vi } from 'vitest';
import {
  concurrentReceives,
  fanOutBranches,
  nestedRaces,
  probe,
  type RaceSide,
  race,
  twoWaiters,
  type WaitKind,
} from '../fixtures.js';
import { defineGroup, type GroupContext, sleep, waitForState, within } from '../harness.js';
import type { ConformanceOptions } from '../options.js';

const KINDS: readonly WaitKind[] = ['step', 'sleep', 'promise', 'receive', 'call'];
const RESTART_VARIANTS = [false, true] as const;
/** How long a worker restart may take on a loaded machine (Temporal's is the slowest, one to three seconds). */
const RESTART_ALLOWANCE_MS = 10_000;

const label = (restart: boolean) => (restart ? ' (worker restart in the middle)' : '');

/** The race's handle after the worker restart of the variant (if any). */
async function raceAfterRestart(
  group: GroupContext,
  id: string,
  restart: boolean,
): Promise<ExecutionHandle<typeof race>> {
  if (restart) await group.restart();
  return group.runtime().handle(race, id);
}

/** Makes the winning side of a race complete, for the kinds the test completes itself. */
async function completeSide(handle: ExecutionHandle, kind: WaitKind, tag: 'a' | 'b'): Promise<void> {
  if (kind === 'promise') await handle.resolvePromise(`p-${tag}`, 'won');
  if (kind === 'receive') await handle.send(`c-${tag}`, 'won');
}

/** Random durations (ms) for `branches` branches of `length` operations each. */
function randomBranches(branches: number, length: number, maxMs: number): number[][] {
  return Array.from({ length: branches }, () => Array.from({ length }, () => 5 + Math.floor(Math.random() * maxMs)));
}

function expectedTags(durations: number[], b: number): string[] {
  return durations.map((_, i) => (i % 2 === 1 ? `${b}.${i}:sleep` : `${b}.${i}`));
}

/** Spec 12: concurrency inside a workflow, replayed identically after a restart. */
export function concurrencyTests(options: ConformanceOptions): void {
  defineGroup(options, 'concurrency', undefined, (group) => {
    const winMs = () => group.ms(300);

    for (const restart of RESTART_VARIANTS) {
      for (const [i, first] of KINDS.entries()) {
        for (const second of KINDS.slice(i + 1)) {
          for (const winner of ['a', 'b'] as const) {
            const winnerKind = winner === 'a' ? first : second;
            test(`race of ${first} and ${second}: ${winnerKind} wins, the loser is abandoned${label(restart)}`, async () => {
              const id = group.id(`race-${first}-${second}-${winner}`);
              const sideOf = (tag: 'a' | 'b', kind: WaitKind): RaceSide => ({
                kind,
                ms: tag === winner ? winMs() : 'never',
              });
              const input = { a: sideOf('a', first), b: sideOf('b', second) };
              const started = await group.runtime().start(race, input, { id });
              await waitForState(started, 'phase', 'racing');
              const handle = await raceAfterRestart(group, id, restart);
              await completeSide(handle, winnerKind, winner);
              // The winner completes after winMs: a result much later means the race waited for its loser.
              const bound = winMs() + group.lateMs + (restart ? RESTART_ALLOWANCE_MS : 0);
              await expect(within(handle.result(), bound, 'result() of the race')).resolves.toBe(winnerKind);
              // The loser completing later changes nothing.
              const loser = winner === 'a' ? 'b' : 'a';
              if ((loser === 'a' ? first : second) === 'step') probe.openGate(`gate-${id}-${loser}`);
              await sleep(100);
              expect(await handle.status()).toBe('completed');
              expect(await handle.getState('winner')).toBe(winnerKind);
            });
          }
        }
      }

      test(`Promise.all over branches of steps and sleeps with unequal random durations${label(restart)}`, async () => {
        const branches = randomBranches(3, 5, 120);
        const id = group.id('fan-all');
        const started = await group.runtime().start(fanOutBranches, { branches, mode: 'all' }, { id });
        await waitForState(started, 'branch-0', (n: unknown) => typeof n === 'number' && n >= 1);
        if (restart) await group.restart();
        const handle = group.runtime().handle(fanOutBranches, id);
        const result = await within(handle.result(), 60_000, 'result() of the fan-out');
        expect(result).toEqual({ all: branches.map(expectedTags) });
        for (const [b, durations] of branches.entries()) {
          for (const [step] of durations.entries()) {
            if (step % 2 === 0)
              expect(probe.count(id, `paused:${b}.${step}`), `${b}.${step}`).toBeGreaterThanOrEqual(1);
          }
        }
      });

      test(`Promise.allSettled reports a failed branch beside the others${label(restart)}`, async () => {
        const branches = randomBranches(3, 3, 80);
        const id = group.id('fan-settled');
        const started = await group
          .runtime()
          .start(fanOutBranches, { branches, mode: 'allSettled', failing: 1 }, { id });
        await waitForState(started, 'phase', 'started');
        if (restart) await group.restart();
        const result = await within(group.runtime().handle(fanOutBranches, id).result(), 60_000, 'result()');
        expect(result).toEqual({
          settled: [
            { ok: expectedTags(branches[0] ?? [], 0) },
            { error: 'branch 1 failed' },
            { ok: expectedTags(branches[2] ?? [], 2) },
          ],
        });
      });

      test(`Promise.any takes the first branch that succeeds${label(restart)}`, async () => {
        const branches = [
          [800, 800, 800],
          [5, 5, 5],
          [300, 300, 300],
        ];
        const id = group.id('fan-any');
        const started = await group.runtime().start(fanOutBranches, { branches, mode: 'any', failing: 1 }, { id });
        await waitForState(started, 'phase', 'started');
        if (restart) await group.restart();
        const result = await within(group.runtime().handle(fanOutBranches, id).result(), 60_000, 'result()');
        expect(result).toEqual({ any: expectedTags(branches[2] ?? [], 2) });
      });

      test(`concurrent receives on one channel each take a different message, in issue order${label(restart)}`, async () => {
        const id = group.id('receives');
        const started = await group.runtime().start(concurrentReceives, { count: 3 }, { id });
        await waitForState(started, 'phase', 'receiving');
        if (restart) await group.restart();
        const handle = group.runtime().handle(concurrentReceives, id);
        for (const message of ['m1', 'm2', 'm3']) await handle.send('shared', message);
        await expect(within(handle.result(), 30_000, 'result()')).resolves.toEqual(['m1', 'm2', 'm3']);
      });

      test(`fewer messages than concurrent receives: the first receives get them, the last times out${label(restart)}`, async () => {
        const id = group.id('receives-short');
        const timeoutMs = group.ms(restart ? 8_000 : 1_500);
        const started = await group.runtime().start(concurrentReceives, { count: 3, timeoutMs }, { id });
        await waitForState(started, 'phase', 'receiving');
        if (restart) await group.restart();
        const handle = group.runtime().handle(concurrentReceives, id);
        for (const message of ['m1', 'm2']) await handle.send('shared', message);
        await expect(within(handle.result(), 30_000, 'result()')).resolves.toEqual(['m1', 'm2', 'timeout']);
      });

      test(`two concurrent waits on one promise name both get the value${label(restart)}`, async () => {
        const id = group.id('two-waiters');
        const started = await group.runtime().start(twoWaiters, {}, { id });
        await waitForState(started, 'phase', 'waiting');
        if (restart) await group.restart();
        const handle = group.runtime().handle(twoWaiters, id);
        expect(await handle.resolvePromise('shared', 'both')).toBe(true);
        await expect(within(handle.result(), 30_000, 'result()')).resolves.toEqual(['both', 'both']);
      });

      test(`races nested inside the branches of a fan-out${label(restart)}`, async () => {
        const id = group.id('nested');
        const fastMs = group.ms(50);
        // The slow side must stay slower than a worker restart takes, or a restart could decide the race.
        const slowMs = fastMs + group.ms(restart ? 15_000 : 2_000);
        const started = await group.runtime().start(nestedRaces, { fastMs, slowMs }, { id });
        await waitForState(started, 'phase', 'started');
        if (restart) await group.restart();
        const result = await within(group.runtime().handle(nestedRaces, id).result(), 30_000, 'result()');
        expect(result).toEqual(['step/x-after', 'sleep/y-after']);
      });
    }

    test('the fan-out replays the same interleaving after restarts at random moments', async () => {
      const branches = randomBranches(4, 6, 60);
      const id = group.id('fan-restarts');
      await group.runtime().start(fanOutBranches, { branches, mode: 'all' }, { id });
      for (let restarts = 0; restarts < 3; restarts++) {
        await sleep(50 + Math.floor(Math.random() * 150));
        await group.restart();
      }
      await vi.waitFor(
        async () => expect(await group.runtime().handle(fanOutBranches, id).status()).not.toBe('running'),
        {
          timeout: 60_000,
          interval: 50,
        },
      );
      await expect(group.runtime().handle(fanOutBranches, id).result()).resolves.toEqual({
        all: branches.map(expectedTags),
      });
    });
  });
}
