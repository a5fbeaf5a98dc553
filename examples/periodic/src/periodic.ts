import { defineStep, defineWorkflow } from '@durable-runtime/core';
import { z } from 'zod';

/** A stand-in health probe (no network): the target answers slowly on every fourth round. */
export const checkHealth = defineStep('checkHealth', (args: { target: string; round: number }) => {
  const latencyMs = args.round % 4 === 0 ? 1_800 : 40 + (args.round % 3) * 15;
  return { round: args.round, target: args.target, latencyMs, healthy: latencyMs < 1_000 };
});

/** What one execution hands to the next: the loop's memory across the chain. */
const Carried = z.object({
  round: z.number().int().min(0),
  unhealthy: z.number().int().min(0),
  slowest: z.number().min(0),
});

export const MonitorInput = z.object({
  target: z.string().min(1),
  /** Executions of one monitor are `<chain>-1`, `<chain>-2`, ... */
  chain: z.string().min(1),
  generation: z.number().int().min(1).default(1),
  intervalMs: z.number().int().min(1),
  /** Rounds per execution: each execution's history holds at most this many rounds. */
  roundsPerExecution: z.number().int().min(1).max(1_000),
  /** Stop after this many rounds in total (a real monitor would run forever). */
  totalRounds: z.number().int().min(1).optional(),
  carried: Carried.default({ round: 0, unhealthy: 0, slowest: 0 }),
});

export type MonitorResult = z.infer<typeof Carried> & {
  generation: number;
  roundsHere: [first: number, last: number];
  /** The id of the execution that continues the loop, or `undefined` when the loop is done. */
  continuedAs?: string;
};

/** The id of the n-th execution of a monitor chain. */
export const generationId = (chain: string, generation: number) => `${chain}-${generation}`;

/**
 * A periodic loop that runs for ever with a bounded history: check, sleep, repeat, and after `roundsPerExecution`
 * rounds start a fresh execution of itself (after one more interval) with what it carries, then end. This is
 * Temporal's continue-as-new, written with the portable `ctx.start`: each execution's history stays the same size
 * however long the chain runs. The state `round`, `lastCheck` and `next` are readable from outside.
 */
export const monitor = defineWorkflow({
  name: 'monitor',
  input: MonitorInput,
  async run(ctx, input): Promise<MonitorResult> {
    const carried = { ...input.carried };
    const first = carried.round + 1;
    const last = Math.min(carried.round + input.roundsPerExecution, input.totalRounds ?? Number.POSITIVE_INFINITY);
    for (let round = first; round <= last; round++) {
      const check = await ctx.run(checkHealth, { target: input.target, round });
      carried.round = round;
      carried.slowest = Math.max(carried.slowest, check.latencyMs);
      if (!check.healthy) carried.unhealthy++;
      await ctx.state.set('round', round);
      await ctx.state.set('lastCheck', check);
      if (round < last) await ctx.sleep(input.intervalMs);
    }
    const result: MonitorResult = { ...carried, generation: input.generation, roundsHere: [first, last] };
    if (input.totalRounds !== undefined && last >= input.totalRounds) return result;
    const next = await ctx.start(
      monitor,
      { ...input, generation: input.generation + 1, carried },
      { id: generationId(input.chain, input.generation + 1), delay: input.intervalMs },
    );
    await ctx.state.set('next', next.id);
    return { ...result, continuedAs: next.id };
  },
});

export const registry = { workflows: [monitor], steps: [checkHealth] };
