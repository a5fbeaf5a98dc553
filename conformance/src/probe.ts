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
};
