/**
 * What fixture steps report about themselves, so tests can count executions and measure attempt times. In-process
 * only: steps run in the worker, which for the suite's main tests is the test process. Sandbox-safe (no Node
 * built-ins): Temporal bundles this module with the fixtures, where it is never called.
 */
export interface StepRun {
  readonly stepName: string;
  readonly attempt: number;
  /** Epoch ms at which the attempt started. */
  readonly at: number;
}

const runs = new Map<string, StepRun[]>();
const openGates = new Set<string>();
const gateWaiters = new Map<string, Set<() => void>>();

export const probe = {
  /** Called by fixture steps at the start of each attempt. */
  record(executionId: string, stepName: string, attempt: number): void {
    const list = runs.get(executionId) ?? [];
    list.push({ stepName, attempt, at: Date.now() });
    runs.set(executionId, list);
  },
  /** Every recorded attempt of an execution's steps (optionally one step), in order. */
  runs(executionId: string, stepName?: string): StepRun[] {
    const list = runs.get(executionId) ?? [];
    return stepName === undefined ? [...list] : list.filter((run) => run.stepName === stepName);
  },
  /** How many attempts of a step ran for an execution. */
  count(executionId: string, stepName: string): number {
    return this.runs(executionId, stepName).length;
  },
  /** Opens a gate: steps waiting in {@link waitForGate} on it go on, and later ones do not wait. */
  openGate(key: string): void {
    openGates.add(key);
    for (const wake of gateWaiters.get(key) ?? []) wake();
    gateWaiters.delete(key);
  },
  /** Resolves once the gate is open, or rejects with the signal's reason when `signal` aborts first. */
  waitForGate(key: string, signal?: AbortSignal): Promise<void> {
    if (openGates.has(key)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiters = gateWaiters.get(key) ?? new Set();
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        waiters.delete(wake);
        reject(signal?.reason);
      };
      waiters.add(wake);
      gateWaiters.set(key, waiters);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};
