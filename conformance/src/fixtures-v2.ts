/**
 * Version 2 of the fixtures: identical except that `evolving` runs a different first step. Restarting workers on
 * this version while a version-1 execution is waiting must fail that execution with a `NonDeterminismError`.
 * Bundle-safe, like fixtures.ts.
 */
import { defineWorkflow, type RegistryInput } from '@durable-runtime/core';
import { describeStep, failsThenWorks, fixtureSteps, fixtureWorkflows, note, recordCall, untilGo } from './fixtures.js';

export * from './fixtures.js';

export const evolving = defineWorkflow({
  name: 'evolving',
  async run(ctx, _input: Record<string, never>) {
    await ctx.run(describeStep, {});
    await ctx.state.set('phase', 'waiting');
    await ctx.promise('go');
    await ctx.run(recordCall, { tag: 'v2-second' });
    return 'v2';
  },
});

// Rule 15, version 2 of each `changed*` workflow: one accepted change (append, new arguments) or one refused
// change (swap, removal, a sleep moved) of the operations an execution of version 1 has recorded.

export const changedAppend = defineWorkflow({
  name: 'changedAppend',
  async run(ctx, _input: Record<string, never>) {
    await ctx.run(note, { tag: 'first' });
    await untilGo(ctx);
    await ctx.run(note, { tag: 'appended' });
    return 'v2';
  },
});

export const changedArgs = defineWorkflow({
  name: 'changedArgs',
  async run(ctx, _input: Record<string, never>) {
    const recorded = await ctx.run(note, { tag: 'v2-args' });
    await untilGo(ctx);
    return recorded;
  },
});

export const changedSwap = defineWorkflow({
  name: 'changedSwap',
  async run(ctx, _input: Record<string, never>) {
    await ctx.run(failsThenWorks, { failTimes: 0 });
    await ctx.run(note, { tag: 'a' });
    await untilGo(ctx);
    return 'v2';
  },
});

export const changedRemove = defineWorkflow({
  name: 'changedRemove',
  async run(ctx, _input: Record<string, never>) {
    await ctx.run(note, { tag: 'kept' });
    await untilGo(ctx);
    return 'v2';
  },
});

export const changedSleepOrder = defineWorkflow({
  name: 'changedSleepOrder',
  async run(ctx, _input: Record<string, never>) {
    await ctx.run(note, { tag: 'after-sleep' });
    await ctx.sleep(10);
    await untilGo(ctx);
    return 'v2';
  },
});

const V2: ReadonlyMap<string, (typeof fixtureWorkflows)[number]> = new Map(
  [evolving, changedAppend, changedArgs, changedSwap, changedRemove, changedSleepOrder].map((w) => [w.name, w]),
);

export const fixtureWorkflowsV2 = fixtureWorkflows.map((workflow) => V2.get(workflow.name) ?? workflow);

export const fixtureRegistry: RegistryInput = { workflows: fixtureWorkflowsV2, steps: fixtureSteps };
