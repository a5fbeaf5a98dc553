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

export const crashRegistry: RegistryInput = { workflows: [crashable], steps: [crashA, crashB, crashC] };
