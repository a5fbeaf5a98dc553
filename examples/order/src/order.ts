import { defineStep, defineWorkflow, TerminalError } from '@durable-runtime/core';
import { z } from 'zod';

/** Charges the card. Runs at most once per order, whatever crashes or restarts happen around it. */
export const chargeCard = defineStep('chargeCard', async (args: { orderId: string; cents: number }, info) => {
  if (args.cents > 1_000_000) throw new TerminalError('amount above the card limit');
  console.log(`charging ${args.cents} cents for order ${args.orderId} (attempt ${info.attempt})`);
  return { chargeId: `ch_${args.orderId}_${info.attempt}`, cents: args.cents };
});

export const refund = defineStep('refund', async (args: { chargeId: string }) => ({ refunded: args.chargeId }));

export const OrderInput = z.object({
  orderId: z.string().min(1),
  cents: z.number().int().positive(),
  /** The cooling-off sleep after the charge, in ms. */
  coolOffMs: z.number().int().nonnegative().default(1_000),
});

export const order = defineWorkflow({
  name: 'order',
  input: OrderInput,
  async run(ctx, input) {
    const charge = await ctx.run(chargeCard, input, { retry: { maxAttempts: 5 } });
    await ctx.state.set('status', 'charged');
    await ctx.sleep(input.coolOffMs); // a cooling-off period before a person looks at the order
    await ctx.state.set('status', 'awaiting-approval');
    const approved = await ctx.promise<boolean>('approval', { timeout: '1h' }).catch(() => false);
    if (!approved) await ctx.run(refund, { chargeId: charge.chargeId });
    await ctx.state.set('status', approved ? 'approved' : 'refunded');
    return { chargeId: charge.chargeId, approved };
  },
});

export const registry = { workflows: [order], steps: [chargeCard, refund] };
