import type { Workload } from '../types.js';

const STEPS = 10;

/** (a) One workflow of ten sequential steps, from start to result: latency. */
export const sequential: Workload = {
  key: 'sequential',
  title: '10 sequential steps',
  unit: 'start to result, ms',
  percentiles: true,
  freshHeap: false,
  rounds: (mode) => (mode === 'full' ? { warmup: 10, measured: 100 } : { warmup: 2, measured: 10 }),
  parameters: () => ({ steps: STEPS }),
  async sample({ program, id, round }) {
    // The id is made before the clock starts, as in the other single-execution workloads: it is not the subject's work.
    const executionId = id();
    const started = performance.now();
    const result = await program.runSteps(executionId, STEPS, round);
    const ms = performance.now() - started;
    if (result !== round + STEPS) throw new Error(`10 sequential steps returned ${result}, expected ${round + STEPS}`);
    return ms;
  },
};
