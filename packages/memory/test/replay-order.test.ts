import { defineStep, defineWorkflow } from '@durable-runtime/core';
import { expect, test, vi } from 'vitest';
import { createInMemoryStore, createMemoryRuntime } from '../src/index.js';

const runs: string[] = [];

/** Takes `ms`, then returns its tag. */
const timed = defineStep('timed', async (args: { tag: string; ms: number }) => {
  runs.push(args.tag);
  await new Promise((resolve) => setTimeout(resolve, args.ms));
  return args.tag;
});

/** Durations that differ per branch and per step, so branches interleave differently from one seed to the next. */
function duration(seed: number, branch: number, step: number): number {
  return 5 + ((seed * 7919 + branch * 104_729 + step * 1_299_709) % 61);
}

/** Three branches of step, sleep, step, step: the fan-out whose replay used to diverge after a restart. */
const fanOut = defineWorkflow({
  name: 'fanOut',
  async run(ctx, input: { seed: number }) {
    const branch = async (b: number) => {
      const first = await ctx.run(timed, { tag: `${b}.0`, ms: duration(input.seed, b, 0) });
      await ctx.sleep(duration(input.seed, b, 1));
      const second = await ctx.run(timed, { tag: `${b}.2`, ms: duration(input.seed, b, 2) });
      await ctx.state.set(`branch-${b}`, second);
      const third = await ctx.run(timed, { tag: `${b}.3`, ms: duration(input.seed, b, 3) });
      return [first, second, third];
    };
    return Promise.all([0, 1, 2].map(branch));
  },
});

const registry = { workflows: [fanOut], steps: [timed] };

test.each(Array.from({ length: 12 }, (_, i) => i + 1))(
  'a fan-out of unequal branches replays after a crash in the middle of it (seed %i)',
  async (seed) => {
    runs.length = 0;
    const store = createInMemoryStore();
    const id = `fan-${seed}`;
    const first = createMemoryRuntime(registry, { store });
    await first.start(fanOut, { seed }, { id });
    // Crash once some steps ran (how many depends on the seed) while others are in flight.
    const crashAfter = 3 + (seed % 7);
    await vi.waitFor(() => expect(runs.length).toBeGreaterThanOrEqual(crashAfter), { timeout: 10_000, interval: 1 });
    first.crash();
    const recorded = (store.read(id)?.journal ?? [])
      .filter((entry) => entry.kind === 'step' && entry.result)
      .map((entry) => (entry.result as { value: string }).value);
    const beforeCrash = runs.length;
    const second = createMemoryRuntime(registry, { store });
    await expect(second.handle(fanOut, id).result()).resolves.toEqual(
      [0, 1, 2].map((b) => [`${b}.0`, `${b}.2`, `${b}.3`]),
    );
    const rerun = runs.slice(beforeCrash);
    expect(
      rerun.filter((tag) => recorded.includes(tag)),
      'recorded steps ran again',
    ).toEqual([]);
  },
);
