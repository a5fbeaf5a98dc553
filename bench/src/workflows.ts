/**
 * The benchmark's workflows, written once with durable-runtime and run unchanged by every adapter. Sandbox-safe:
 * the Temporal adapter bundles this module (by its path, `workflowModules`) into Temporal's workflow sandbox.
 */
import { defineStep, defineWorkflow, type RegistryInput } from '@durable-runtime/core';
import { hit } from './marks.js';

/** The unit of work of every step: what the native programs and the floor run too. */
export function increment(n: number): number {
  return n + 1;
}

export const addOne = defineStep('benchAddOne', async (n: number) => increment(n));

/** Leaves a mark (see marks.ts) that the workload waits for. */
export const mark = defineStep('benchMark', async (key: string) => {
  hit(key);
  return true;
});

/** `count` sequential steps, each adding one. */
export const stepsWorkflow = defineWorkflow({
  name: 'benchSteps',
  async run(ctx, input: { count: number; n: number }) {
    let n = input.n;
    for (let i = 0; i < input.count; i++) n = await ctx.run(addOne, n);
    return n;
  },
});

/** One step that marks when it runs: start latency. */
export const startWorkflow = defineWorkflow({
  name: 'benchStart',
  async run(ctx, key: string) {
    return ctx.run(mark, key);
  },
});

/** One durable sleep. */
export const sleepWorkflow = defineWorkflow({
  name: 'benchSleep',
  async run(ctx, ms: number) {
    await ctx.sleep(ms);
    return ms;
  },
});

/** Marks, then waits for the durable promise `go` and returns its value. */
export const promiseWorkflow = defineWorkflow({
  name: 'benchPromise',
  async run(ctx, key: string) {
    await ctx.run(mark, key);
    return ctx.promise<number>('go');
  },
});

export const registry: RegistryInput = {
  workflows: [stepsWorkflow, startWorkflow, sleepWorkflow, promiseWorkflow],
  steps: [addOne, mark],
};
