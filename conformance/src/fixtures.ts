/**
 * The fixture workflows and steps of the conformance suite. Bundle-safe: imports only core, zod and the probe, so
 * engines that bundle workflow code (Temporal) can load this module in their sandbox.
 */
import {
  type Duration,
  defineStep,
  defineWorkflow,
  type RegistryInput,
  type StepOptions,
  TerminalError,
} from '@durable-runtime/core';
import { z } from 'zod';
import { concurrencySteps, concurrencyWorkflows } from './fixtures-concurrency.js';
import { ruleSteps, ruleWorkflows } from './fixtures-rules.js';
import { probe } from './probe.js';

export * from './fixtures-concurrency.js';
export * from './fixtures-rules.js';
export { probe } from './probe.js';

/** A caught error as fixtures report it. */
export interface CaughtError {
  name: string;
  message: string;
  stepName?: string;
  attempts?: number;
  cause?: { name: string; message: string };
}

function caught(error: unknown): CaughtError {
  const e = error as Error & { stepName?: string; attempts?: number; cause?: { name: string; message: string } };
  const out: CaughtError = { name: e.name, message: e.message };
  if (e.stepName !== undefined) out.stepName = e.stepName;
  if (e.attempts !== undefined) out.attempts = e.attempts;
  if (e.cause && typeof e.cause === 'object') out.cause = { name: e.cause.name, message: e.cause.message };
  return out;
}

// ---------- steps ----------

/** Returns its input; counts calls. */
export const recordCall = defineStep('recordCall', async (args: { tag: string }, info) => {
  probe.record(info.executionId, info.stepName, info.attempt);
  return { tag: args.tag, attempt: info.attempt };
});

/** Fails (or fails terminally) until `failTimes` attempts have failed. */
export const flaky = defineStep('flaky', async (args: { failTimes: number; terminal?: boolean }, info) => {
  probe.record(info.executionId, info.stepName, info.attempt);
  if (info.attempt <= args.failTimes) {
    if (args.terminal) throw new TerminalError(`terminal failure on attempt ${info.attempt}`);
    const error = new Error(`flaky failure on attempt ${info.attempt}`);
    error.name = 'FlakyError';
    throw error;
  }
  return { attempt: info.attempt };
});

/** Reports what the step knows about itself. */
export const describeStep = defineStep('describeStep', async (_args: Record<string, never>, info) => {
  probe.record(info.executionId, info.stepName, info.attempt);
  return { attempt: info.attempt, executionId: info.executionId, stepName: info.stepName };
});

/** Hangs on its first attempt for `slowMs`, answers at once afterwards. */
export const slowFirst = defineStep('slowFirst', async (args: { slowMs: number }, info) => {
  probe.record(info.executionId, info.stepName, info.attempt);
  if (info.attempt === 1) await new Promise((resolve) => setTimeout(resolve, args.slowMs));
  return { attempt: info.attempt };
});

/** Returns a value JSON cannot carry. */
export const returnsBigInt = defineStep('returnsBigInt', async (_args: Record<string, never>, info) => {
  probe.record(info.executionId, info.stepName, info.attempt);
  return { big: BigInt(1) } as unknown as { big: number };
});

// ---------- start and identity ----------

export const EchoInput = z.object({ value: z.string(), count: z.number().int() });
export const echo = defineWorkflow({
  name: 'echo',
  input: EchoInput,
  output: z.object({ value: z.string(), count: z.number() }),
  async run(ctx, input) {
    await ctx.run(recordCall, { tag: input.value });
    return { value: input.value, count: input.count };
  },
});

/** Returns something its output schema rejects. */
export const badOutput = defineWorkflow({
  name: 'badOutput',
  output: z.object({ ok: z.boolean() }),
  async run(_ctx, _input: Record<string, never>) {
    return { ok: 'yes' } as unknown as { ok: boolean };
  },
});

// ---------- steps ----------

export interface RetryInput {
  failTimes: number;
  terminal?: boolean;
  retry?: StepOptions['retry'];
  timeoutMs?: number;
}
export const retrying = defineWorkflow({
  name: 'retrying',
  async run(ctx, input: RetryInput) {
    const options: StepOptions = { ...(input.retry ? { retry: input.retry } : {}) };
    try {
      const result = await ctx.run(flaky, { failTimes: input.failTimes, terminal: input.terminal ?? false }, options);
      return { ok: true as const, attempt: result.attempt };
    } catch (error) {
      return { ok: false as const, error: caught(error) };
    }
  },
});

export const stepInfo = defineWorkflow({
  name: 'stepInfo',
  async run(ctx, _input: Record<string, never>) {
    return ctx.run(describeStep, {});
  },
});

export const stepTimeout = defineWorkflow({
  name: 'stepTimeout',
  async run(ctx, input: { slowMs: number; timeoutMs: number; maxAttempts: number }) {
    try {
      const options = { timeout: input.timeoutMs, retry: { maxAttempts: input.maxAttempts, initialInterval: 10 } };
      return { ok: true as const, ...(await ctx.run(slowFirst, { slowMs: input.slowMs }, options)) };
    } catch (error) {
      return { ok: false as const, error: caught(error) };
    }
  },
});

/** Runs a step, waits for a promise (a point where a restart can happen), runs another step. */
export const stepsAroundWait = defineWorkflow({
  name: 'stepsAroundWait',
  async run(ctx, _input: Record<string, never>) {
    const first = await ctx.run(recordCall, { tag: 'before' });
    await ctx.state.set('phase', 'waiting');
    const go = await ctx.promise<string>('go');
    const second = await ctx.run(recordCall, { tag: `after-${go}` });
    return [first.tag, second.tag];
  },
});

/** Fails with an uncaught step failure. */
export const uncaughtStepFailure = defineWorkflow({
  name: 'uncaughtStepFailure',
  async run(ctx, _input: Record<string, never>) {
    await ctx.run(flaky, { failTimes: 1, terminal: true });
    return 'unreachable';
  },
});

export const nonJsonStep = defineWorkflow({
  name: 'nonJsonStep',
  async run(ctx, _input: Record<string, never>) {
    try {
      await ctx.run(returnsBigInt, {}, { retry: { maxAttempts: 3, initialInterval: 10 } });
      return { ok: true as const };
    } catch (error) {
      return { ok: false as const, error: caught(error) };
    }
  },
});

// ---------- timers ----------

export const sleeper = defineWorkflow({
  name: 'sleeper',
  async run(ctx, input: { duration?: Duration; until?: number }) {
    await ctx.state.set('phase', 'sleeping');
    if (input.until !== undefined) await ctx.sleepUntil(new Date(input.until));
    else await ctx.sleep(input.duration ?? 0);
    await ctx.state.set('phase', 'awake');
    return 'awake';
  },
});

// ---------- promises ----------

export const awaitPromise = defineWorkflow({
  name: 'awaitPromise',
  async run(ctx, input: { name: string; timeoutMs?: number }) {
    await ctx.state.set('phase', 'waiting');
    try {
      const options = input.timeoutMs === undefined ? {} : { timeout: input.timeoutMs };
      const value = await ctx.promise(input.name, options);
      return { ok: true as const, value };
    } catch (error) {
      return { ok: false as const, error: caught(error) };
    }
  },
});

/** Waits for `first`, then for `second`: lets a test resolve `second` before the workflow waits for it. */
export const twoPromises = defineWorkflow({
  name: 'twoPromises',
  async run(ctx, _input: Record<string, never>) {
    const first = await ctx.promise('first');
    await ctx.state.set('phase', 'got-first');
    const second = await ctx.promise('second');
    return [first, second];
  },
});

// ---------- state ----------

export const stateful = defineWorkflow({
  name: 'stateful',
  async run(ctx, _input: Record<string, never>) {
    await ctx.state.set('phase', 'started');
    await ctx.state.set('temp', { nested: [1, 2, 3] });
    await ctx.state.set('nullable', null);
    const readBack = await ctx.state.get<{ nested: number[] }>('temp');
    const missing = await ctx.state.get('never-set');
    await ctx.promise('continue');
    await ctx.state.delete('temp');
    await ctx.state.set('phase', 'done');
    return {
      readBack,
      missing: missing === undefined ? 'undefined' : missing,
      afterDelete: await ctx.state.get('temp'),
    };
  },
});

// ---------- messages ----------

export const inbox = defineWorkflow({
  name: 'inbox',
  async run(ctx, input: { channel: string; count: number }) {
    await ctx.state.set('phase', 'receiving');
    const received: unknown[] = [];
    for (let i = 0; i < input.count; i++) received.push(await ctx.receive(input.channel));
    return received;
  },
});

/** Receives with a short timeout in a loop until `count` messages arrived: no message may be lost or duplicated. */
export const pollingInbox = defineWorkflow({
  name: 'pollingInbox',
  async run(ctx, input: { count: number; timeoutMs: number; maxRounds: number }) {
    const received: unknown[] = [];
    let timeouts = 0;
    for (let round = 0; received.length < input.count && round < input.maxRounds; round++) {
      try {
        received.push(await ctx.receive('events', { timeout: input.timeoutMs }));
      } catch (error) {
        if ((error as Error).name !== 'TimeoutError') throw error;
        timeouts++;
        await ctx.state.set('timeouts', timeouts);
      }
    }
    return { received, timeouts };
  },
});

export const sender = defineWorkflow({
  name: 'sender',
  async run(ctx, input: { targetId: string; messages: unknown[]; missingId: string }) {
    for (const message of input.messages) await ctx.send({ workflow: inbox, id: input.targetId }, 'box', message);
    try {
      await ctx.send({ workflow: 'inbox', id: input.missingId }, 'box', 'lost?');
      return { missing: null };
    } catch (error) {
      return { missing: caught(error) };
    }
  },
});

// ---------- children ----------

export const child = defineWorkflow({
  name: 'child',
  async run(ctx, input: { value: number; fail?: boolean }) {
    await ctx.run(recordCall, { tag: `child-${input.value}` });
    if (input.fail) throw Object.assign(new Error(`child ${input.value} refused`), { name: 'ChildRefusal' });
    return { doubled: input.value * 2, startedAt: (await ctx.now()).getTime(), id: ctx.executionId };
  },
});

export const parent = defineWorkflow({
  name: 'parent',
  async run(ctx, input: { childId: string; delayMs: number }) {
    const named = await ctx.call(child, { value: 1 }, { id: input.childId });
    const derived = await ctx.call(child, { value: 2 });
    let failure: CaughtError | null = null;
    try {
      await ctx.call(child, { value: 3, fail: true });
    } catch (error) {
      failure = caught(error);
    }
    const startedAt = (await ctx.now()).getTime();
    const fired = await ctx.start(child, { value: 4 }, { id: `${input.childId}-fired`, delay: input.delayMs });
    return { named, derived, failure, fired, startedAt };
  },
});

/** Starts a child, then waits: a restart while waiting must not start the child again. */
export const parentThenWait = defineWorkflow({
  name: 'parentThenWait',
  async run(ctx, input: { childId: string }) {
    await ctx.start(child, { value: 7 }, { id: input.childId });
    await ctx.state.set('phase', 'waiting');
    await ctx.promise('go');
    return 'done';
  },
});

export const factorial = defineWorkflow({
  name: 'factorial',
  async run(ctx, n: number): Promise<number> {
    if (n <= 1) return 1;
    return n * (await ctx.call(factorial, n - 1));
  },
});

// ---------- determinism ----------

export const helpers = defineWorkflow({
  name: 'helpers',
  async run(ctx, _input: Record<string, never>) {
    const values = { now: (await ctx.now()).getTime(), random: await ctx.random(), uuid: await ctx.uuid() };
    await ctx.state.set('first', values);
    await ctx.state.set('phase', 'waiting');
    await ctx.promise('go');
    return values;
  },
});

/** Version 1 of a workflow whose step order changes in version 2 (fixtures-v2.ts). */
export const evolving = defineWorkflow({
  name: 'evolving',
  async run(ctx, _input: Record<string, never>) {
    await ctx.run(recordCall, { tag: 'v1-first' });
    await ctx.state.set('phase', 'waiting');
    await ctx.promise('go');
    await ctx.run(recordCall, { tag: 'v1-second' });
    return 'v1';
  },
});

// ---------- failure and cancellation ----------

export const failing = defineWorkflow({
  name: 'failing',
  async run(_ctx, input: { message: string }) {
    throw Object.assign(new Error(input.message), { name: 'CustomFailure' });
  },
});

export const cancellable = defineWorkflow({
  name: 'cancellable',
  async run(ctx, input: { waitOn: 'sleep' | 'promise' | 'receive' }) {
    await ctx.state.set('phase', 'waiting');
    if (input.waitOn === 'sleep') await ctx.sleep('1h');
    else if (input.waitOn === 'promise') await ctx.promise('never');
    else await ctx.receive('never');
    return 'not cancelled';
  },
});

// ---------- serialization ----------

export const badState = defineWorkflow({
  name: 'badState',
  async run(ctx, _input: Record<string, never>) {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    try {
      await ctx.state.set('cyclic', cyclic);
      return { ok: true as const };
    } catch (error) {
      return { ok: false as const, error: caught(error) };
    }
  },
});

export const badReturn = defineWorkflow({
  name: 'badReturn',
  async run(_ctx, _input: Record<string, never>) {
    return new Map([['a', 1]]) as unknown as Record<string, number>;
  },
});

export const fixtureSteps = [
  recordCall,
  flaky,
  describeStep,
  slowFirst,
  returnsBigInt,
  ...ruleSteps,
  ...concurrencySteps,
];

export const fixtureWorkflows = [
  echo,
  badOutput,
  retrying,
  stepInfo,
  stepTimeout,
  stepsAroundWait,
  uncaughtStepFailure,
  nonJsonStep,
  sleeper,
  awaitPromise,
  twoPromises,
  stateful,
  inbox,
  pollingInbox,
  sender,
  child,
  parent,
  parentThenWait,
  factorial,
  helpers,
  evolving,
  failing,
  cancellable,
  badState,
  badReturn,
  ...ruleWorkflows,
  ...concurrencyWorkflows,
];

/** The registry of every fixture. */
export const fixtureRegistry: RegistryInput = { workflows: fixtureWorkflows, steps: fixtureSteps };
