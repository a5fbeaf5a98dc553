/**
 * Version 2 of the fixtures: identical except that `evolving` runs a different first step. Restarting workers on
 * this version while a version-1 execution is waiting must fail that execution with a `NonDeterminismError`.
 * Bundle-safe, like fixtures.ts.
 */
import { defineWorkflow, type RegistryInput } from '@durable-runtime/core';
import { describeStep, fixtureSteps, fixtureWorkflows, recordCall } from './fixtures.js';

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

export const fixtureWorkflowsV2 = fixtureWorkflows.map((workflow) =>
  workflow.name === 'evolving' ? evolving : workflow,
);

export const fixtureRegistry: RegistryInput = { workflows: fixtureWorkflowsV2, steps: fixtureSteps };
