import type { Mode, Workload } from '../types.js';

const STEPS = 3;
const sizes = (mode: Mode) => (mode === 'full' ? { executions: 500, inFlight: 50 } : { executions: 50, inFlight: 10 });

/** (b) Many workflows of three steps with a fixed number in flight: time for the batch, executions per second. */
export const throughput: Workload = {
  key: 'throughput',
  title: 'throughput, 3-step workflows',
  unit: 'batch time, ms',
  percentiles: false,
  freshHeap: true,
  rounds: (mode) =>
    mode === 'full'
      ? { warmup: 1, measured: 3, extra: { rounds: 41, whileUnderMs: 90_000 } }
      : { warmup: 0, measured: 1 },
  parameters: (mode) => ({ ...sizes(mode), steps: STEPS }),
  async sample({ program, id }, mode) {
    const { executions, inFlight } = sizes(mode);
    // The ids are made before the clock starts: they are not the subject's work.
    const ids = Array.from({ length: executions }, () => id());
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < executions; i = next++) {
        const result = await program.runSteps(ids[i] as string, STEPS, i);
        if (result !== i + STEPS) throw new Error(`3-step workflow returned ${result}, expected ${i + STEPS}`);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: inFlight }, lane));
    return performance.now() - started;
  },
  derived(medianMs, mode) {
    return { label: 'executions/s', value: Math.round(sizes(mode).executions / (medianMs / 1000)) };
  },
};
