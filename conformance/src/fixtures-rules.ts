/**
 * Fixtures of the second edition of the semantics (rules 11, 13-18). Bundle-safe, like fixtures.ts: imports only
 * core and the probe. fixtures.ts registers them; fixtures-v2.ts replaces the `changed*` workflows.
 */
import { type DurableContext, defineStep, defineWorkflow } from '@durable-runtime/core';
import { probe } from './probe.js';

/** A caught error as these fixtures report it. */
export interface ReportedError {
  name: string;
  message: string;
  cause?: { name: string; message: string };
  attempts?: number;
}

export function reported(error: unknown): ReportedError {
  const e = error as Error & { attempts?: number; cause?: { name: string; message: string } };
  const out: ReportedError = { name: e.name, message: e.message };
  if (e.attempts !== undefined) out.attempts = e.attempts;
  if (e.cause && typeof e.cause === 'object') out.cause = { name: e.cause.name, message: e.cause.message };
  return out;
}

/** Runs `work` and reports how it ended: its value, or the error it threw. */
async function outcomeOf<T>(
  work: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: ReportedError }> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error: reported(error) };
  }
}

// ---------- steps ----------

/** Records its attempt, then waits for the probe gate `gate` (or `holdMs`); tells the probe when its signal aborts. */
export const gatedStep = defineStep('gatedStep', async (args: { gate: string; holdMs: number }, info) => {
  probe.record(info.executionId, info.stepName, info.attempt);
  const held = new Promise<void>((resolve) => setTimeout(resolve, args.holdMs));
  try {
    await Promise.race([probe.waitForGate(args.gate, info.signal), held]);
  } catch (error) {
    probe.record(info.executionId, `aborted:${(error as Error).name}`, info.attempt);
    throw error;
  }
  return { attempt: info.attempt };
});

/** Returns a string of `bytes` characters (one byte each in UTF-8). */
export const sizedResult = defineStep('sizedResult', async (args: { bytes: number }, info) => {
  probe.record(info.executionId, info.stepName, info.attempt);
  return 'r'.repeat(args.bytes);
});

/** Notes a tag in the probe; returns it. */
export const note = defineStep('note', async (args: { tag: string }, info) => {
  probe.record(info.executionId, `note:${args.tag}`, info.attempt);
  return args.tag;
});

/** Fails `failTimes` times with a plain error, then returns the attempt number. */
export const failsThenWorks = defineStep('failsThenWorks', async (args: { failTimes: number }, info) => {
  probe.record(info.executionId, info.stepName, info.attempt);
  if (info.attempt <= args.failTimes) throw new Error(`failure ${info.attempt}`);
  return { attempt: info.attempt };
});

// ---------- identity (rule 11) ----------

/** Waits for promise 'go'; another workflow will try to take its id. */
export const owner = defineWorkflow({
  name: 'owner',
  async run(ctx, input: { tag: string }) {
    await ctx.state.set('phase', 'waiting');
    const go = await ctx.promise<string>('go');
    return { workflow: 'owner', tag: input.tag, go };
  },
});

export const intruder = defineWorkflow({
  name: 'intruder',
  async run(_ctx, input: { tag: string }) {
    return { workflow: 'intruder', tag: input.tag };
  },
});

/** Sends one message to the target and reports how the send ended. */
export const sendTo = defineWorkflow({
  name: 'sendTo',
  async run(ctx, input: { workflow: string; id: string }) {
    return outcomeOf(() => ctx.send({ workflow: input.workflow, id: input.id }, 'box', 'hello').then(() => 'sent'));
  },
});

/** Calls `intruder` on the given id and reports how the call ended. */
export const callIntruder = defineWorkflow({
  name: 'callIntruder',
  async run(ctx, input: { id: string }) {
    return outcomeOf(() => ctx.call(intruder, { tag: 'called' }, { id: input.id }));
  },
});

/** Sends a message to its own id and receives it. */
export const selfSender = defineWorkflow({
  name: 'selfSender',
  async run(ctx, _input: Record<string, never>) {
    await ctx.send({ workflow: 'selfSender', id: ctx.executionId }, 'self', 'ping');
    return ctx.receive<string>('self', { timeout: '30s' });
  },
});

// ---------- after the end (rule 16) ----------

/** Waits for 'gate', then takes promise 'p': lets a test settle 'p' several times before the workflow waits. */
export const gatedPromise = defineWorkflow({
  name: 'gatedPromise',
  async run(ctx, _input: Record<string, never>) {
    await ctx.state.set('phase', 'waiting');
    await ctx.promise('gate');
    return ctx.promise<string>('p');
  },
});

// ---------- cancellation (rule 13) ----------

/** Runs a gated step that holds for `holdMs`; reports the step's value. */
export const stepThenReturn = defineWorkflow({
  name: 'stepThenReturn',
  async run(ctx, input: { holdMs: number }) {
    await ctx.state.set('phase', 'stepping');
    const value = await ctx.run(gatedStep, { gate: `gate-${ctx.executionId}`, holdMs: input.holdMs });
    await ctx.state.set('phase', 'after-step');
    return value;
  },
});

/** Waits for promise 'p' with nothing to catch a cancellation. */
export const waitsForP = defineWorkflow({
  name: 'waitsForP',
  async run(ctx, _input: Record<string, never>) {
    await ctx.state.set('phase', 'waiting');
    return ctx.promise('p');
  },
});

/** Waits for promise 'go' and returns a tag: a child in cancellation tests. */
export const blockedChild = defineWorkflow({
  name: 'blockedChild',
  async run(ctx, _input: Record<string, never>) {
    await ctx.state.set('phase', 'waiting');
    await ctx.promise('go');
    return 'child-done';
  },
});

/** Receives one message on 'in' and returns it. */
export const collector = defineWorkflow({
  name: 'collector',
  async run(ctx, _input: Record<string, never>) {
    await ctx.state.set('phase', 'waiting');
    return ctx.receive('in');
  },
});

/** Runs the `note` step once with a tag: a child that shows whether it ever ran. */
export const noter = defineWorkflow({
  name: 'noter',
  async run(ctx, input: { tag: string }) {
    return ctx.run(note, { tag: input.tag });
  },
});

/**
 * Waits for a promise that never comes; on cancellation it compensates (a step, a state write, a send, a started
 * child) and tries each kind of wait again, reporting how each ended, then returns normally.
 */
export const compensating = defineWorkflow({
  name: 'compensating',
  async run(ctx, input: { collectorId: string; childId: string }) {
    await ctx.state.set('phase', 'waiting');
    try {
      await ctx.promise('never');
      return { cancelled: null };
    } catch (error) {
      const cancelled = reported(error);
      const step = await ctx.run(note, { tag: 'compensate' });
      await ctx.state.set('compensated', true);
      await ctx.send({ workflow: collector, id: input.collectorId }, 'in', 'undo');
      await ctx.start(noter, { tag: 'after-cancel' }, { id: input.childId });
      const sleep = await outcomeOf(() => ctx.sleep('1h'));
      const promise = await outcomeOf(() => ctx.promise('other'));
      const receive = await outcomeOf(() => ctx.receive('other'));
      const call = await outcomeOf(() => ctx.call(noter, { tag: 'never-called' }));
      return { cancelled, step, after: { sleep, promise, receive, call } };
    }
  },
});

/** Waits in `ctx.call` for a child that blocks. */
export const callsBlockedChild = defineWorkflow({
  name: 'callsBlockedChild',
  async run(ctx, input: { childId: string }) {
    return ctx.call(blockedChild, {}, { id: input.childId });
  },
});

/** Starts a child that blocks, then waits forever itself. */
export const startsBlockedChild = defineWorkflow({
  name: 'startsBlockedChild',
  async run(ctx, input: { childId: string }) {
    await ctx.start(blockedChild, {}, { id: input.childId });
    await ctx.state.set('phase', 'started');
    return ctx.promise('never');
  },
});

/** Starts a `noter` child after `delayMs` and ends. */
export const delaysChild = defineWorkflow({
  name: 'delaysChild',
  async run(ctx, input: { childId: string; delayMs: number }) {
    await ctx.start(noter, { tag: 'delayed' }, { id: input.childId, delay: input.delayMs });
    return 'scheduled';
  },
});

/** A step whose attempt outlives its timeout: reports the failure (the probe sees the attempt's signal abort). */
export const outlivesTimeout = defineWorkflow({
  name: 'outlivesTimeout',
  async run(ctx, input: { timeoutMs: number }) {
    const gate = `gate-${ctx.executionId}`;
    return outcomeOf(() =>
      ctx.run(gatedStep, { gate, holdMs: 30_000 }, { timeout: input.timeoutMs, retry: { maxAttempts: 1 } }),
    );
  },
});

// ---------- retries (rule 14) ----------

export const retriesAtOnce = defineWorkflow({
  name: 'retriesAtOnce',
  async run(ctx, _input: Record<string, never>) {
    return ctx.run(failsThenWorks, { failTimes: 2 }, { retry: { maxAttempts: 3, initialInterval: 0 } });
  },
});

/** A step with a budget of two attempts that the test holds while it restarts the worker several times. */
export const heldStep = defineWorkflow({
  name: 'heldStep',
  async run(ctx, _input: Record<string, never>) {
    const gate = `gate-${ctx.executionId}`;
    return ctx.run(gatedStep, { gate, holdMs: 120_000 }, { retry: { maxAttempts: 2, initialInterval: 0 } });
  },
});

// ---------- code changes between deploys (rule 15): version 1; fixtures-v2.ts changes them ----------

/** Each `changed*` workflow does its operations, waits for 'go', and ends; version 2 changes one thing. */
export async function untilGo(ctx: DurableContext): Promise<void> {
  await ctx.state.set('phase', 'waiting');
  await ctx.promise('go');
}

export const changedAppend = defineWorkflow({
  name: 'changedAppend',
  async run(ctx, _input: Record<string, never>) {
    await ctx.run(note, { tag: 'first' });
    await untilGo(ctx);
    return 'v1';
  },
});

export const changedArgs = defineWorkflow({
  name: 'changedArgs',
  async run(ctx, _input: Record<string, never>) {
    const recorded = await ctx.run(note, { tag: 'v1-args' });
    await untilGo(ctx);
    return recorded;
  },
});

export const changedSwap = defineWorkflow({
  name: 'changedSwap',
  async run(ctx, _input: Record<string, never>) {
    await ctx.run(note, { tag: 'a' });
    await ctx.run(failsThenWorks, { failTimes: 0 });
    await untilGo(ctx);
    return 'v1';
  },
});

export const changedRemove = defineWorkflow({
  name: 'changedRemove',
  async run(ctx, _input: Record<string, never>) {
    await ctx.run(note, { tag: 'kept' });
    await ctx.run(failsThenWorks, { failTimes: 0 });
    await untilGo(ctx);
    return 'v1';
  },
});

export const changedSleepOrder = defineWorkflow({
  name: 'changedSleepOrder',
  async run(ctx, _input: Record<string, never>) {
    await ctx.sleep(10);
    await ctx.run(note, { tag: 'after-sleep' });
    await untilGo(ctx);
    return 'v1';
  },
});

export const codeChangeWorkflowsV1 = [changedAppend, changedArgs, changedSwap, changedRemove, changedSleepOrder];

// ---------- limits (rule 18) ----------

/** Carries one large string through every kind of payload: input, step result, state, promise, message, output. */
export const bigPayloads = defineWorkflow({
  name: 'bigPayloads',
  async run(ctx, input: { data: string }) {
    const fromStep = await ctx.run(sizedResult, { bytes: input.data.length });
    await ctx.state.set('big', input.data);
    await ctx.state.set('phase', 'waiting');
    const promised = await ctx.promise<string>('big');
    const message = await ctx.receive<string>('big');
    return {
      data: input.data,
      stepLength: fromStep.length,
      promisedSame: promised === input.data,
      messageSame: message === input.data,
    };
  },
});

/** Tries payloads over the limit from inside a workflow and reports each failure. */
export const overLimitInside = defineWorkflow({
  name: 'overLimitInside',
  async run(ctx, input: { bytes: number; selfId: string }) {
    const big = 's'.repeat(input.bytes);
    return {
      state: await outcomeOf(() => ctx.state.set('big', big)),
      step: await outcomeOf(() => ctx.run(sizedResult, { bytes: input.bytes }, { retry: { maxAttempts: 3 } })),
      send: await outcomeOf(() => ctx.send({ workflow: 'overLimitInside', id: input.selfId }, 'c', big)),
    };
  },
});

export const overLimitOutput = defineWorkflow({
  name: 'overLimitOutput',
  async run(_ctx, input: { bytes: number }) {
    return 'o'.repeat(input.bytes);
  },
});

/** Uses one name as a state key, a promise name and a channel. */
export const namedEverything = defineWorkflow({
  name: 'namedEverything',
  async run(ctx, input: { name: string }) {
    await ctx.state.set(input.name, `state:${input.name}`);
    await ctx.state.set('phase', 'waiting');
    const promised = await ctx.promise<string>(input.name);
    const received = await ctx.receive<string>(input.name);
    return { promised, received, state: await ctx.state.get<string>(input.name) };
  },
});

/** Waits with timeouts far beyond 2^31 ms, then sleeps as long (to be cancelled). */
export const longWaits = defineWorkflow({
  name: 'longWaits',
  async run(ctx, _input: Record<string, never>) {
    await ctx.state.set('phase', 'waiting');
    const promised = await ctx.promise<string>('go', { timeout: '30d' });
    const received = await ctx.receive<string>('in', { timeout: '40d' });
    await ctx.state.set('phase', 'sleeping');
    await ctx.sleep('60d');
    return { promised, received };
  },
});

export const ruleSteps = [gatedStep, sizedResult, note, failsThenWorks];

export const ruleWorkflows = [
  owner,
  intruder,
  sendTo,
  callIntruder,
  selfSender,
  gatedPromise,
  stepThenReturn,
  waitsForP,
  blockedChild,
  collector,
  noter,
  compensating,
  callsBlockedChild,
  startsBlockedChild,
  delaysChild,
  outlivesTimeout,
  retriesAtOnce,
  heldStep,
  ...codeChangeWorkflowsV1,
  bigPayloads,
  overLimitInside,
  overLimitOutput,
  namedEverything,
  longWaits,
];
