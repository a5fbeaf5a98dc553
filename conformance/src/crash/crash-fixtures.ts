/**
 * The workflow of the crash certification. Bundle-safe: imports only core and the crash probe.
 * `crashB` hangs on its first run for an execution, which is when the harness kills the worker; on any later run
 * (in the next worker) it returns at once.
 */
import { defineStep, defineWorkflow, type RegistryInput } from '@durable-runtime/core';
import { crashProbe } from './crash-probe.js';

export { crashProbe } from './crash-probe.js';

/** How long `crashB` hangs on its first run: far longer than the harness waits before killing. */
const HANG_MS = 10 * 60_000;

export const crashA = defineStep('crashA', async (_args: Record<string, never>, info) => {
  crashProbe.sink.record(info.executionId, info.stepName, info.attempt);
  return 'a';
});

export const crashB = defineStep('crashB', async (_args: Record<string, never>, info) => {
  const earlierRuns = crashProbe.sink.count(info.executionId, info.stepName);
  crashProbe.sink.record(info.executionId, info.stepName, info.attempt);
  if (earlierRuns === 0) await new Promise((resolve) => setTimeout(resolve, HANG_MS));
  return 'b';
});

export const crashC = defineStep('crashC', async (_args: Record<string, never>, info) => {
  crashProbe.sink.record(info.executionId, info.stepName, info.attempt);
  return 'c';
});

export const crashable = defineWorkflow({
  name: 'crashable',
  async run(ctx, _input: Record<string, never>) {
    const a = await ctx.run(crashA, {});
    await ctx.state.set('after', 'a');
    const b = await ctx.run(crashB, {}, { retry: { maxAttempts: 5, initialInterval: '100ms' } });
    const c = await ctx.run(crashC, {});
    return [a, b, c];
  },
});

/**
 * A step of the crash campaign: logs `start <index> <attempt>` when it begins and `done <index> <attempt>` when its
 * side effect is complete, holding `holdMs` in between (a window for the kill).
 */
export const campaignStep = defineStep('campaignStep', async (args: { index: number; holdMs: number }, info) => {
  crashProbe.sink.event(info.executionId, `start ${args.index} ${info.attempt}`);
  await new Promise((resolve) => setTimeout(resolve, args.holdMs));
  crashProbe.sink.event(info.executionId, `done ${args.index} ${info.attempt}`);
  return args.index;
});

/** The workflow of the crash campaign: `steps` steps, each followed by a state write, every other one by a sleep. */
export const campaign = defineWorkflow({
  name: 'campaign',
  async run(ctx, input: { steps: number; holdMs: number }) {
    let sum = 0;
    for (let index = 0; index < input.steps; index++) {
      sum += await ctx.run(campaignStep, { index, holdMs: input.holdMs }, { retry: { maxAttempts: 2 } });
      await ctx.state.set('progress', index);
      if (index % 2 === 1) await ctx.sleep(input.holdMs);
    }
    return sum;
  },
});

export const crashRegistry: RegistryInput = {
  workflows: [crashable, campaign],
  steps: [crashA, crashB, crashC, campaignStep],
};
