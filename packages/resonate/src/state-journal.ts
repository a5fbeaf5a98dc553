import { promiseIds } from './ids.js';
import type { PromiseStore } from './promise-store.js';

export type StateSnapshot = Record<string, unknown>;

/**
 * Per-execution state, kept in durable promises with deterministic ids: the n-th state change of an execution
 * records the whole state after it (`<id>:s.<n>`). The workflow keeps its current state in memory (a replay
 * repeats its changes), outside readers find the latest snapshot by galloping search: O(log n) reads.
 */
export class StateJournal {
  constructor(private readonly store: PromiseStore) {}

  /** Records the state after the `index`-th change. Idempotent (a retried write finds its record). */
  async write(executionId: string, index: number, snapshot: StateSnapshot): Promise<void> {
    await this.store.record(promiseIds.state(executionId, index), executionId, snapshot);
  }

  /** The latest recorded state of an execution (`{}` before its first change). */
  async read(executionId: string): Promise<StateSnapshot> {
    const exists = async (index: number) => (await this.store.get(promiseIds.state(executionId, index))) !== undefined;
    if (!(await exists(0))) return {};
    let low = 0;
    let high = 1;
    while (await exists(high)) {
      low = high;
      high *= 2;
    }
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (await exists(middle)) low = middle;
      else high = middle;
    }
    const latest = await this.store.get(promiseIds.state(executionId, low));
    return (latest?.param ?? {}) as StateSnapshot;
  }
}
