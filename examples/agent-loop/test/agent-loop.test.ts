import { fileURLToPath } from 'node:url';
import { onEachBackend } from '@durable-runtime/example-testing';
import { expect, test } from 'vitest';
import { runAgentLoopDemo } from '../src/main.js';

const workflowModule = fileURLToPath(new URL('../src/agent-loop.ts', import.meta.url));

onEachBackend((engine) => {
  test('the loop proposes, tests and retries until the third proposal passes, watched from outside', async () => {
    const { result, seen, state } = await runAgentLoopDemo(engine().env(workflowModule), () => {});
    expect(result).toEqual({ status: 'accepted', iterations: 3, pattern: '^[^\\s@]+@[^\\s@]+\\.[a-z]{2,}$' });
    // Observed from outside while it ran: every iteration, in order (each proposal takes 150 ms or more).
    const iterations = seen.map((where) => Number(/^iteration (\d+)/.exec(where)?.[1]));
    expect([...new Set(iterations)]).toEqual([1, 2, 3]);
    expect(iterations).toEqual([...iterations].sort((a, b) => a - b));
    expect(seen).toContain('iteration 2: proposing');
    expect(state).toEqual({
      iteration: 3,
      phase: 'accepted',
      proposal: '^[^\\s@]+@[^\\s@]+\\.[a-z]{2,}$',
      lastFailure: { input: 'root@localhost', expected: false },
    });
  });

  test('with too few iterations the loop gives up and reports what it learnt', async () => {
    const { result, state } = await runAgentLoopDemo(engine().env(workflowModule), () => {}, 2);
    expect(result).toEqual({
      status: 'gave-up',
      iterations: 2,
      counterexamples: [
        { input: 'john doe@example.com', expected: false },
        { input: 'root@localhost', expected: false },
      ],
    });
    expect(state).toMatchObject({ iteration: 2, phase: 'gave-up' });
  });
});
