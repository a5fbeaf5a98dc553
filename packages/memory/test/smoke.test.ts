import { defineStep, defineWorkflow } from '@durable-runtime/core';
import { expect, test } from 'vitest';
import { createMemoryRuntime, VirtualClock } from '../src/index.js';

const add = defineStep('add', async (args: { a: number; b: number }) => args.a + args.b);
const wf = defineWorkflow({
  name: 'smoke',
  async run(ctx, input: { a: number }) {
    const sum = await ctx.run(add, { a: input.a, b: 1 });
    await ctx.sleep('2d');
    const approved = await ctx.promise<boolean>('ok');
    await ctx.state.set('sum', sum);
    return { sum, approved };
  },
});

test('smoke', async () => {
  const clock = new VirtualClock({ autoAdvance: false });
  const runtime = createMemoryRuntime({ workflows: [wf], steps: [add] }, { clock });
  const handle = await runtime.start(wf, { a: 1 }, { id: 's1' });
  await clock.advance('2d');
  await handle.resolvePromise('ok', true);
  expect(await handle.result()).toEqual({ sum: 2, approved: true });
  expect(await handle.getState('sum')).toBe(2);
});
