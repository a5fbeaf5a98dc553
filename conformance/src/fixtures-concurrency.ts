/**
 * Fixtures of rule 12, concurrency inside a workflow. Bundle-safe, like fixtures.ts. Every workflow takes its
 * durations from its input, so the test decides who wins a race; `gatedStep` (fixtures-rules.ts) holds a step until
 * the test opens its gate.
 */
import { type DurableContext, defineStep, defineWorkflow } from '@durable-runtime/core';
import { gatedStep } from './fixtures-rules.js';
import { probe } from './probe.js';

/** The waits a race can be made of. */
export type WaitKind = 'step' | 'sleep' | 'promise' | 'receive' | 'call';

/** How long a side of a race takes: milliseconds, or `'never'` (it waits for the test, which does not come). */
export interface RaceSide {
  readonly kind: WaitKind;
  readonly ms: number | 'never';
}

/** Sleeps `ms`, then returns its tag. */
export const pausedStep = defineStep('pausedStep', async (args: { tag: string; ms: number }, info) => {
  probe.record(info.executionId, `paused:${args.tag}`, info.attempt);
  await new Promise((resolve) => setTimeout(resolve, args.ms));
  return args.tag;
});

/** A child that sleeps `ms` (or waits for 'go' forever) and returns 'child'. */
export const raceChild = defineWorkflow({
  name: 'raceChild',
  async run(ctx, input: { ms: number | 'never' }) {
    if (input.ms === 'never') await ctx.promise('go');
    else await ctx.sleep(input.ms);
    return 'child';
  },
});

/** One side of a race: resolves to its kind when it completes. */
function side(ctx: DurableContext, race: RaceSide, tag: string): Promise<string> {
  const never = race.ms === 'never';
  switch (race.kind) {
    case 'step':
      return never
        ? ctx.run(gatedStep, { gate: `gate-${ctx.executionId}-${tag}`, holdMs: 600_000 }).then(() => 'step')
        : ctx.run(pausedStep, { tag, ms: race.ms as number }).then(() => 'step');
    case 'sleep':
      return ctx.sleep(never ? '30d' : (race.ms as number)).then(() => 'sleep');
    case 'promise':
      return ctx.promise(`p-${tag}`).then(() => 'promise');
    case 'receive':
      return ctx.receive(`c-${tag}`).then(() => 'receive');
    case 'call':
      return ctx.call(raceChild, { ms: race.ms }, { id: `${ctx.executionId}.child-${tag}` }).then(() => 'call');
  }
}

/**
 * Races two waits and returns the winner's kind. Promise and receive sides complete when the test delivers
 * `p-a`/`c-a` (side a) or `p-b`/`c-b` (side b); the state entry 'phase' is 'racing' once both are issued.
 */
export const race = defineWorkflow({
  name: 'race',
  async run(ctx, input: { a: RaceSide; b: RaceSide }) {
    const racing = Promise.race([side(ctx, input.a, 'a'), side(ctx, input.b, 'b')]);
    await ctx.state.set('phase', 'racing');
    const winner = await racing;
    await ctx.state.set('winner', winner);
    return winner;
  },
});

/** Branches of several steps and sleeps with the given durations; each branch returns its tags in order. */
export const fanOutBranches = defineWorkflow({
  name: 'fanOutBranches',
  async run(ctx, input: { branches: number[][]; mode: 'all' | 'allSettled' | 'any'; failing?: number }) {
    await ctx.state.set('phase', 'started');
    const branch = async (durations: number[], b: number): Promise<string[]> => {
      const tags: string[] = [];
      for (const [i, ms] of durations.entries()) {
        if (i % 2 === 1) {
          await ctx.sleep(ms);
          tags.push(`${b}.${i}:sleep`);
        } else {
          tags.push(await ctx.run(pausedStep, { tag: `${b}.${i}`, ms }));
        }
        await ctx.state.set(`branch-${b}`, i);
      }
      if (input.failing === b) throw new Error(`branch ${b} failed`);
      return tags;
    };
    const work = input.branches.map(branch);
    if (input.mode === 'all') return { all: await Promise.all(work) };
    if (input.mode === 'any') return { any: await Promise.any(work) };
    const settled = await Promise.allSettled(work);
    return {
      settled: settled.map((outcome) =>
        outcome.status === 'fulfilled' ? { ok: outcome.value } : { error: (outcome.reason as Error).message },
      ),
    };
  },
});

/**
 * Issues `count` receives on one channel at once and returns what each got, in issue order: the message, or
 * `'timeout'` for one that timed out (with `timeoutMs`).
 */
export const concurrentReceives = defineWorkflow({
  name: 'concurrentReceives',
  async run(ctx, input: { count: number; timeoutMs?: number }) {
    const options = input.timeoutMs === undefined ? {} : { timeout: input.timeoutMs };
    const receives = Array.from({ length: input.count }, () =>
      ctx.receive<string>('shared', options).catch((error: Error) => {
        if (error.name !== 'TimeoutError') throw error;
        return 'timeout';
      }),
    );
    await ctx.state.set('phase', 'receiving');
    return Promise.all(receives);
  },
});

/** Two concurrent waits on one promise name. */
export const twoWaiters = defineWorkflow({
  name: 'twoWaiters',
  async run(ctx, _input: Record<string, never>) {
    const waits = [ctx.promise<string>('shared'), ctx.promise<string>('shared')];
    await ctx.state.set('phase', 'waiting');
    return Promise.all(waits);
  },
});

/** Two branches, each racing a step against a sleep: the step wins in one, the sleep in the other. */
export const nestedRaces = defineWorkflow({
  name: 'nestedRaces',
  async run(ctx, input: { fastMs: number; slowMs: number }) {
    const branch = async (tag: string, stepMs: number, sleepMs: number) => {
      const first = await Promise.race([
        ctx.run(pausedStep, { tag, ms: stepMs }).then(() => 'step'),
        ctx.sleep(sleepMs).then(() => 'sleep'),
      ]);
      const after = await ctx.run(pausedStep, { tag: `${tag}-after`, ms: input.fastMs });
      return `${first}/${after}`;
    };
    await ctx.state.set('phase', 'started');
    return Promise.all([branch('x', input.fastMs, input.slowMs), branch('y', input.slowMs, input.fastMs)]);
  },
});

export const concurrencySteps = [pausedStep];
export const concurrencyWorkflows = [raceChild, race, fanOutBranches, concurrentReceives, twoWaiters, nestedRaces];
