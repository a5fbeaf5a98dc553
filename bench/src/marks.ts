/**
 * Marks that steps leave when they run, read by the workloads to time "start to first step" and to know that an
 * execution reached its promise. Steps run in this process on every engine, so a module-level map is enough.
 * Sandbox-safe (no Node built-ins at the top level): Temporal bundles this module with the workflows.
 */

/** A step ran: when (`performance.now()`) and what it passed along (e.g. a native promise id). */
export interface Hit {
  readonly at: number;
  readonly data: unknown;
}

const hits = new Map<string, Hit>();
const waiters = new Map<string, ((hit: Hit) => void)[]>();

/** Records the first hit of `key` and wakes whoever waits for it. */
export function hit(key: string, data?: unknown): void {
  if (hits.has(key)) return;
  const record: Hit = { at: performance.now(), data };
  hits.set(key, record);
  for (const wake of waiters.get(key) ?? []) wake(record);
  waiters.delete(key);
}

/** The hit of `key`, once a step made it. */
export function waitForHit(key: string): Promise<Hit> {
  const existing = hits.get(key);
  if (existing) return Promise.resolve(existing);
  return new Promise((resolve) => {
    waiters.set(key, [...(waiters.get(key) ?? []), resolve]);
  });
}

/** Forgets every hit (between workloads). */
export function clearHits(): void {
  hits.clear();
}
