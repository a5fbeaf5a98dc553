import type { Mode, Workload } from '../types.js';

const SLEEP_MS = 100;
const countOf = (mode: Mode) => (mode === 'full' ? 1_000 : 50);

/** (d) Many executions started at once, each sleeping briefly: time until the last one ended. */
export const sleeps: Workload = {
  key: 'sleeps',
  title: 'concurrent short sleeps',
  unit: 'all started at once to last result, ms',
  percentiles: false,
  freshHeap: true,
  rounds: (mode) =>
    mode === 'full'
      ? { warmup: 1, measured: 3, extra: { rounds: 41, whileUnderMs: 90_000 } }
      : { warmup: 0, measured: 1 },
  parameters: (mode) => ({ executions: countOf(mode), sleepMs: SLEEP_MS }),
  async sample({ program, id }, mode) {
    const ids = Array.from({ length: countOf(mode) }, id);
    const started = performance.now();
    await Promise.all(ids.map((executionId) => program.runSleep(executionId, SLEEP_MS)));
    return performance.now() - started;
  },
};
