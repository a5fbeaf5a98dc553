import { fileURLToPath } from 'node:url';
import { createRuntime, loadConfig } from '@durable-runtime/core';
import { onEachBackend, RUN_ID } from '@durable-runtime/example-testing';
import { expect, test } from 'vitest';
import { followChain, runPeriodicDemo } from '../src/main.js';
import { generationId, monitor, registry } from '../src/periodic.js';

const workflowModule = fileURLToPath(new URL('../src/periodic.ts', import.meta.url));

onEachBackend((engine) => {
  test('the loop continues as fresh executions, carrying its state: 6 rounds in 3 executions of 2', async () => {
    const { chain, executions } = await runPeriodicDemo(engine().env(workflowModule), () => {});
    expect(executions.map((execution) => execution.id)).toEqual([1, 2, 3].map((n) => generationId(chain, n)));
    expect(executions.map((execution) => execution.result)).toEqual([
      { round: 2, unhealthy: 0, slowest: 70, generation: 1, roundsHere: [1, 2], continuedAs: `${chain}-2` },
      { round: 4, unhealthy: 1, slowest: 1_800, generation: 2, roundsHere: [3, 4], continuedAs: `${chain}-3` },
      { round: 6, unhealthy: 1, slowest: 1_800, generation: 3, roundsHere: [5, 6] },
    ]);
  });

  test('each execution records the same bounded history, however long the chain runs', async () => {
    const runtime = await createRuntime(loadConfig(engine().env(workflowModule)), registry);
    try {
      const chain = `monitor-${RUN_ID}`;
      const input = { target: 'db', chain, intervalMs: 50, roundsPerExecution: 2, totalRounds: 7 };
      const started = Date.now();
      await runtime.start(monitor, input, { id: generationId(chain, 1) });
      const executions = await followChain(runtime, chain);
      // Never early: 6 intervals between 7 rounds, whether slept in an execution or delayed between two.
      expect(Date.now() - started).toBeGreaterThanOrEqual(6 * 50);
      expect(executions.map((execution) => execution.result.roundsHere)).toEqual([
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 7],
      ]);
      for (const { id } of executions) {
        // What each execution keeps in its own state: the rounds it ran, never the whole chain's.
        const state = await runtime.handle(monitor, id).getState();
        expect(Object.keys(state).sort()).toEqual(
          id.endsWith('-4') ? ['lastCheck', 'round'] : ['lastCheck', 'next', 'round'],
        );
      }
      const lengths = await Promise.all(executions.map(({ id }) => engine().historyLength(id)));
      if (lengths.every((length) => length !== undefined)) {
        // The engine exposes its history: every execution in the middle of the chain recorded exactly as many events,
        // and none recorded more (the first one was not delayed, the last one starts no successor).
        const middle = lengths.slice(1, -1) as number[];
        expect(new Set(middle).size, `history lengths ${lengths.join(', ')}`).toBe(1);
        expect(Math.max(...(lengths as number[])), `history lengths ${lengths.join(', ')}`).toBe(middle[0]);
      } else {
        expect(lengths, 'an engine exposes the history of every execution or of none').toEqual(
          lengths.map(() => undefined),
        );
      }
    } finally {
      await runtime.close();
    }
  });
});
