import { defineWorkflow } from '@durable-runtime/core';
import { z } from 'zod';

export const FactorialInput = z.object({ n: z.number().int().min(0).max(30) });

/**
 * `n!`, recursively: each level is a child execution of this same workflow that computes `(n - 1)!`, so the chain of
 * executions for 20! is 20 deep and each level's result is recorded in its own execution. The result is a decimal
 * string: 19! is past `Number.MAX_SAFE_INTEGER`, and JSON has no BigInt.
 */
export const factorial = defineWorkflow({
  name: 'factorial',
  input: FactorialInput,
  output: z.string().regex(/^\d+$/),
  async run(ctx, { n }): Promise<string> {
    await ctx.state.set('n', n);
    const below = n <= 1 ? '1' : await ctx.call(factorial, { n: n - 1 }); // child id: `<this id>.factorial-0`
    const result = (BigInt(Math.max(n, 1)) * BigInt(below)).toString();
    await ctx.state.set('result', result);
    return result;
  },
});

export const registry = { workflows: [factorial] };
