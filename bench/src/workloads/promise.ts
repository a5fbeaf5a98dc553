import { setTimeout as delay } from 'node:timers/promises';
import { waitForHit } from '../marks.js';
import type { Workload } from '../types.js';

/**
 * (e) External promise resolution round trip: an execution marks, then waits for its promise; once it waits (the
 * engine's settle time after the mark), the value is resolved from outside and the result awaited.
 */
export const promiseRoundTrip: Workload = {
  key: 'promise',
  title: 'promise resolution round trip',
  unit: 'resolve call to result, ms',
  percentiles: true,
  freshHeap: false,
  rounds: (mode) => (mode === 'full' ? { warmup: 5, measured: 100 } : { warmup: 2, measured: 10 }),
  parameters: () => ({}),
  async sample({ program, id, round, settleMs }) {
    const executionId = id();
    const waiting = await program.startWaiting(executionId);
    await waitForHit(executionId);
    await delay(settleMs);
    const started = performance.now();
    await waiting.resolve(round);
    const result = await waiting.result();
    const ms = performance.now() - started;
    if (result !== round) throw new Error(`promise round trip returned ${result}, expected ${round}`);
    return ms;
  },
};
