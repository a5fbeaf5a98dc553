import { waitForHit } from '../marks.js';
import type { Workload } from '../types.js';

/** (c) From the start call to the first step running (the step marks the time), one execution at a time. */
export const startLatency: Workload = {
  key: 'start',
  title: 'start latency',
  unit: 'start call to first step running, ms',
  percentiles: true,
  freshHeap: false,
  // Samples are short on the in-process engines: more of them (while under 10 s) steady the median.
  rounds: (mode) =>
    mode === 'full'
      ? { warmup: 100, measured: 200, extra: { rounds: 2_000, whileUnderMs: 10_000 } }
      : { warmup: 3, measured: 20 },
  parameters: () => ({}),
  async sample({ program, id }) {
    const executionId = id();
    const started = performance.now();
    const finished = await program.startMarked(executionId);
    const { at } = await waitForHit(executionId);
    await finished();
    return at - started;
  },
};
