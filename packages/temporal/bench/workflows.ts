// Benchmark workflow for latency.ts: three steps through the adapter. Node runs this file directly (type stripping).
import { defineStep, defineWorkflow } from '@durable-runtime/core';

export const first = defineStep('benchFirst', async (args: { n: number }) => args.n + 1);
export const second = defineStep('benchSecond', async (args: { n: number }) => args.n * 2);
export const third = defineStep('benchThird', async (args: { n: number }) => `result-${args.n}`);

export const threeSteps = defineWorkflow({
  name: 'benchThreeSteps',
  async run(ctx, input: { n: number }) {
    const a = await ctx.run(first, { n: input.n });
    const b = await ctx.run(second, { n: a });
    return ctx.run(third, { n: b });
  },
});
