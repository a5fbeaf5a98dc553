import {
  createRuntime,
  defineStep,
  defineWorkflow,
  NonDeterminismError,
  type Runtime,
  WorkflowFailedError,
} from '@durable-runtime/core';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createResonateRuntime, type ResonateRuntime } from '../src/index.js';

const calls = new Map<string, number>();
const count = (key: string) => calls.get(key) ?? 0;

const tally = defineStep('tally', async (args: { key: string; value: number }) => {
  calls.set(args.key, count(args.key) + 1);
  return args.value;
});

/** Concurrent branches: steps in one branch while another waits for a promise, a message and a timer. */
const fanOut = defineWorkflow({
  name: 'fanOut',
  async run(ctx, input: { key: string }) {
    const sequence = async () => {
      const values: number[] = [];
      for (let i = 0; i < 5; i++) values.push(await ctx.run(tally, { key: input.key, value: i }));
      return values;
    };
    const [steps, promised, received, parallel] = await Promise.all([
      sequence(),
      ctx.promise<string>('go'),
      ctx.receive<string>('inbox'),
      Promise.all([1, 2, 3].map((value) => ctx.run(tally, { key: `${input.key}-parallel`, value }))),
      ctx.sleep(10),
    ]);
    return { steps, promised, received, parallel, uuid: (await ctx.uuid()).length };
  },
});

/** Waits twice on one promise name, with a short timeout first. */
const rewait = defineWorkflow({
  name: 'rewait',
  async run(ctx, input: { timeoutMs: number }) {
    let first: unknown;
    try {
      first = await ctx.promise('p', { timeout: input.timeoutMs });
    } catch (error) {
      first = (error as Error).name;
    }
    await ctx.state.set('phase', 'second');
    const second = await ctx.promise('p');
    const third = await ctx.promise('p');
    return { first, second, third };
  },
});

let shortcut = false;
/** Returns right after its first step when `shortcut` is set: a replay that stops before recorded operations. */
const shrinking = defineWorkflow({
  name: 'shrinking',
  async run(ctx, input: { key: string }) {
    await ctx.run(tally, { key: input.key, value: 1 });
    if (shortcut) return 'short';
    await ctx.run(tally, { key: input.key, value: 2 });
    await ctx.promise('go');
    return 'done';
  },
});

/** Catches the error of its first operation, which diverges when `swapped` is set: the execution fails anyway. */
let swapped = false;
const catcher = defineWorkflow({
  name: 'catcher',
  async run(ctx, input: { key: string }) {
    try {
      if (swapped) await ctx.now();
      else await ctx.run(tally, { key: input.key, value: 1 });
    } catch {
      return 'swallowed';
    }
    await ctx.state.set('phase', 'waiting');
    await ctx.promise('go');
    return 'ran';
  },
});

const pause = defineStep('pause', async (args: { ms: number; value: number }) => {
  calls.set('pause', count('pause') + 1);
  await new Promise((resolve) => setTimeout(resolve, args.ms));
  return args.value;
});

/** Resolved by the test: the `gate` step runs until then. */
let openGate: () => void = () => undefined;
let gateEntered: () => void = () => undefined;
const gate = defineStep('gate', async () => {
  gateEntered();
  await new Promise<void>((resolve) => {
    openGate = resolve;
  });
  return true;
});

/** A step, then a long sleep: cancelled while the step runs, the sleep must not start waiting. */
const lateSleeper = defineWorkflow({
  name: 'lateSleeper',
  async run(ctx, _input: Record<string, never>) {
    await ctx.run(gate, undefined);
    await ctx.sleep('1h');
    return 'slept';
  },
});

/** Attempts seen per key; attempt 1 fails, later attempts wait for `releaseAttempt` and then fail too. */
const attemptsSeen = new Map<string, number[]>();
let releaseAttempt: () => void = () => undefined;
const failing = defineStep('failing', async (args: { key: string }, info) => {
  attemptsSeen.set(args.key, [...(attemptsSeen.get(args.key) ?? []), info.attempt]);
  if (info.attempt > 1) {
    await new Promise<void>((resolve) => {
      releaseAttempt = resolve;
    });
  }
  throw new Error(`attempt ${info.attempt} failed`);
});

/** A step with two attempts; the second one is waited for by the test. */
const twoAttempts = defineWorkflow({
  name: 'twoAttempts',
  async run(ctx, input: { key: string; backoff: number }) {
    try {
      await ctx.run(failing, input, { retry: { maxAttempts: 2, initialInterval: input.backoff } });
      return 'succeeded';
    } catch (error) {
      return (error as Error).message;
    }
  },
});

/** Two chains of two steps in parallel; the first chain's first step is the slower one. */
const chains = defineWorkflow({
  name: 'chains',
  async run(ctx, _input: Record<string, never>) {
    const results = await Promise.all(
      [200, 5].map(async (ms, value) => {
        const first = await ctx.run(pause, { ms, value });
        return ctx.run(pause, { ms: 1, value: first * 10 + 1 });
      }),
    );
    await ctx.promise('go');
    return results;
  },
});

/** One chain, run as a child execution per item: the recommended shape of per-item chains. */
const chain = defineWorkflow({
  name: 'chain',
  async run(ctx, input: { ms: number; value: number }) {
    const first = await ctx.run(pause, input);
    return ctx.run(pause, { ms: 1, value: first * 10 + 1 });
  },
});
const chainsAsChildren = defineWorkflow({
  name: 'chainsAsChildren',
  async run(ctx, _input: Record<string, never>) {
    const results = await Promise.all([200, 5].map((ms, value) => ctx.call(chain, { ms, value })));
    await ctx.promise('go');
    return results;
  },
});

const childWorkflow = defineWorkflow({
  name: 'childWorkflow',
  async run(ctx, input: { waitFor: string }) {
    return ctx.promise<string>(input.waitFor);
  },
});

/** Waits for a child that waits for a promise: cancelling the parent interrupts its wait. */
const waitingParent = defineWorkflow({
  name: 'waitingParent',
  async run(ctx, input: { childId: string }) {
    await ctx.state.set('phase', 'calling');
    return ctx.call(childWorkflow, { waitFor: 'release' }, { id: input.childId });
  },
});

/** "Approve within a deadline, or remind": the race's loser stays pending while the workflow goes on. */
const approvalWithReminders = defineWorkflow({
  name: 'approvalWithReminders',
  async run(ctx, input: { key: string; tickMs: number }) {
    let reminders = 0;
    for (;;) {
      const first = await Promise.race([
        ctx.promise<string>('approve').then((value) => `approved:${value}`),
        ctx.sleep(input.tickMs).then(() => 'tick'),
      ]);
      if (first !== 'tick') {
        await ctx.state.set('reminders', reminders);
        return { first, reminders, after: await ctx.run(tally, { key: input.key, value: reminders }) };
      }
      reminders++;
      await ctx.run(tally, { key: input.key, value: reminders });
      await ctx.state.set('reminders', reminders);
    }
  },
});

/** A receive that loses a race against a timer, then a receive on the same channel after a step. */
const timedInbox = defineWorkflow({
  name: 'timedInbox',
  async run(ctx, input: { key: string; ms: number }) {
    const first = await Promise.race([
      ctx.receive<string>('inbox').then((message) => `message:${message}`),
      ctx.sleep(input.ms).then(() => 'timeout'),
    ]);
    await ctx.run(tally, { key: input.key, value: 1 });
    await ctx.state.set('phase', 'done');
    return first;
  },
});

/** Concurrent steps whose arguments a "deploy" changes (`argumentShift`) before the replay. */
let argumentShift = 0;
const changingArguments = defineWorkflow({
  name: 'changingArguments',
  async run(ctx, _input: Record<string, never>) {
    const values = await Promise.all(
      [120, 5].map(async (ms, i) => {
        const first = await ctx.run(pause, { ms, value: i + argumentShift });
        return ctx.run(pause, { ms: 1, value: first * 10 + argumentShift });
      }),
    );
    await ctx.promise('go');
    return values;
  },
});

const registry = {
  workflows: [
    changingArguments,
    approvalWithReminders,
    timedInbox,
    fanOut,
    rewait,
    shrinking,
    catcher,
    chains,
    chain,
    chainsAsChildren,
    childWorkflow,
    waitingParent,
    lateSleeper,
    twoAttempts,
  ],
  steps: [tally, pause, gate, failing],
};

let runtime: ResonateRuntime;
let idCounter = 0;
const id = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++idCounter}`;

async function waitForState(handle: { getState(key: string): Promise<unknown> }, key: string, value: unknown) {
  await vi.waitFor(async () => expect(await handle.getState(key)).toEqual(value), { timeout: 10_000, interval: 20 });
}

async function restart(): Promise<void> {
  const next = await createResonateRuntime({ localStore: runtime.localStore, logLevel: 'error' }, registry);
  await runtime.close();
  runtime = next;
}

beforeAll(async () => {
  runtime = await createResonateRuntime({ logLevel: (process.env.RESONATE_TEST_LOG as 'warn') ?? 'error' }, registry);
});

afterAll(async () => {
  await runtime.close();
});

describe('resonate adapter (local mode)', () => {
  test('concurrent branches: steps run while promises, messages and timers wait', async () => {
    const key = id('fan');
    const handle = await runtime.start(fanOut, { key }, { id: key });
    await handle.send('inbox', 'mail');
    await handle.resolvePromise('go', 'yes');
    await expect(handle.result()).resolves.toEqual({
      steps: [0, 1, 2, 3, 4],
      promised: 'yes',
      received: 'mail',
      parallel: [1, 2, 3],
      uuid: 36,
    });
    expect(count(key)).toBe(5);
    expect(count(`${key}-parallel`)).toBe(3);
  });

  test('a resolution after a timed-out wait goes to the next wait; later waits get the same value', async () => {
    const handle = await runtime.start(rewait, { timeoutMs: 100 }, { id: id('rewait') });
    await waitForState(handle, 'phase', 'second');
    await handle.resolvePromise('p', 'late');
    await handle.resolvePromise('p', 'ignored');
    await expect(handle.result()).resolves.toEqual({ first: 'TimeoutError', second: 'late', third: 'late' });
  });

  test('a replay that ends before operations it recorded fails with a NonDeterminismError', async () => {
    const key = id('shrink');
    await runtime.start(shrinking, { key }, { id: key });
    await vi.waitFor(() => expect(count(key)).toBe(2));
    shortcut = true;
    try {
      await restart();
      await runtime.handle(shrinking, key).resolvePromise('go', true);
      const error = await runtime
        .handle(shrinking, key)
        .result()
        .catch((e: unknown) => e);
      expect(WorkflowFailedError.is(error), String(error)).toBe(true);
      expect((error as WorkflowFailedError).cause.name).toBe('NonDeterminismError');
      expect((error as WorkflowFailedError).cause.message).toMatch(
        /of workflow 'shrinking' diverged at operation #\d+: the history recorded 'step:tally#\w+', the workflow now runs 'end'/,
      );
    } finally {
      shortcut = false;
    }
    expect(await runtime.handle(shrinking, key).status()).toBe('failed');
    expect(count(key)).toBe(2);
  });

  test('a workflow cannot swallow its NonDeterminismError', async () => {
    const key = id('catcher');
    const handle = await runtime.start(catcher, { key }, { id: key });
    await waitForState(handle, 'phase', 'waiting');
    swapped = true;
    try {
      await restart();
      const resumed = runtime.handle(catcher, key);
      await resumed.resolvePromise('go', true);
      const error = await resumed.result().catch((e: unknown) => e);
      expect(WorkflowFailedError.is(error), String(error)).toBe(true);
      expect((error as WorkflowFailedError).cause.name).toBe(NonDeterminismError.name);
    } finally {
      swapped = false;
    }
    expect(count(key)).toBe(1);
  });

  test('parallel chains that finish out of order replay in the recorded order, each step with its own result', async () => {
    // Resonate numbers operations in the order they are issued; on replay, recorded steps would answer at once, so
    // the second steps of the two chains would be issued in the other order. The replay delivers completions in the
    // recorded order instead (see scheduler.ts): each step is issued where it was, and no step is run again.
    const handle = await runtime.start(chains, {}, { id: id('chains') });
    await vi.waitFor(async () => expect(await handle.status()).toBe('running'));
    await new Promise((resolve) => setTimeout(resolve, 400));
    const runs = count('pause');
    await handle.resolvePromise('go', true);
    await expect(handle.result()).resolves.toEqual([1, 11]);
    expect(count('pause')).toBe(runs);
  });

  test('per-item chains as child executions replay correctly', async () => {
    const handle = await runtime.start(chainsAsChildren, {}, { id: id('children') });
    await new Promise((resolve) => setTimeout(resolve, 400));
    await handle.resolvePromise('go', true);
    await expect(handle.result()).resolves.toEqual([1, 11]);
  });

  test('cancel interrupts a parent waiting for its child and cancels the child', async () => {
    const parentId = id('parent');
    const childId = `${parentId}-child`;
    const parent = await runtime.start(waitingParent, { childId }, { id: parentId });
    await waitForState(parent, 'phase', 'calling');
    const child = runtime.handle(childWorkflow, childId);
    await vi.waitFor(async () => expect(await child.status()).toBe('running'));
    await parent.cancel();
    const error = (await parent.result().catch((e: unknown) => e)) as WorkflowFailedError;
    expect(error.cause.name).toBe('CancelledError');
    expect(await parent.status()).toBe('cancelled');
    const childError = (await child.result().catch((e: unknown) => e)) as WorkflowFailedError;
    expect(WorkflowFailedError.is(childError), String(childError)).toBe(true);
    expect(childError.cause.name).toBe('CancelledError');
    expect(await child.status()).toBe('cancelled');
  });

  test('a parent that calls a finished child gets its recorded outcome', async () => {
    const childId = id('finished-child');
    const child = await runtime.start(childWorkflow, { waitFor: 'x' }, { id: childId });
    await child.resolvePromise('x', 'early');
    await expect(child.result()).resolves.toBe('early');
    await expect(runtime.run(waitingParent, { childId }, { id: id('late-parent') })).resolves.toBe('early');
  });

  test('a sleep reached after the execution was cancelled ends it cancelled at once', async () => {
    const entered = new Promise<void>((resolve) => {
      gateEntered = resolve;
    });
    const handle = await runtime.start(lateSleeper, {}, { id: id('late-sleeper') });
    await entered;
    await handle.cancel();
    openGate();
    const error = await handle.result().catch((reason: unknown) => reason);
    expect(WorkflowFailedError.is(error), String(error)).toBe(true);
    expect((error as WorkflowFailedError).cause.name).toBe('CancelledError');
    expect(await handle.status()).toBe('cancelled');
  });
});

describe('races on Resonate (rule 12)', () => {
  test('a timer raced in a loop: the loser stays pending while the workflow goes on, and wins later', async () => {
    const key = id('approval');
    const handle = await runtime.start(approvalWithReminders, { key, tickMs: 150 }, { id: key });
    await vi.waitFor(async () => expect(await handle.getState('reminders')).toBeGreaterThanOrEqual(2), {
      timeout: 10_000,
      interval: 20,
    });
    await restart();
    const resumed = runtime.handle(approvalWithReminders, key);
    await resumed.resolvePromise('approve', 'yes');
    const result = await resumed.result();
    expect(result.first).toBe('approved:yes');
    expect(result.reminders).toBeGreaterThanOrEqual(2);
    // Each reminder's step ran once, and the last step once: no step ran again on replay.
    expect(count(key)).toBe(result.reminders + 1);
  });

  test('a timer that beats a receive ends the race at its deadline, not when a message comes', async () => {
    const key = id('inbox');
    const started = Date.now();
    const handle = await runtime.start(timedInbox, { key, ms: 200 }, { id: key });
    await expect(handle.result()).resolves.toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(count(key)).toBe(1);
  });

  test('rule 15 in concurrent branches: steps whose arguments changed replay their own recorded results', async () => {
    const key = id('changing');
    argumentShift = 0;
    await runtime.start(changingArguments, {}, { id: key });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const runs = count('pause');
    argumentShift = 100;
    try {
      await restart();
      const handle = runtime.handle(changingArguments, key);
      await handle.resolvePromise('go', true);
      await expect(handle.result()).resolves.toEqual([0, 10]);
      expect(count('pause')).toBe(runs);
    } finally {
      argumentShift = 0;
    }
  });
});

describe('step attempts (local mode)', () => {
  test('a failed attempt stays counted across a restart: the budget holds, info.attempt goes on', async () => {
    const key = id('failed-then-crash');
    await runtime.start(twoAttempts, { key, backoff: 0 }, { id: key });
    await vi.waitFor(() => expect(attemptsSeen.get(key)).toEqual([1, 2]));
    await restart();
    await vi.waitFor(() => expect(attemptsSeen.get(key)).toEqual([1, 2, 2]));
    releaseAttempt();
    await expect(runtime.handle(twoAttempts, key).result()).resolves.toBe(
      "Step 'failing' failed after 2 attempts: Error: attempt 2 failed",
    );
    expect(attemptsSeen.get(key)).toEqual([1, 2, 2]);
  });

  test('a restart during the backoff keeps the retry time: the next attempt is not earlier', async () => {
    const key = id('backoff-crash');
    const failedAt = Date.now();
    await runtime.start(twoAttempts, { key, backoff: 1_500 }, { id: key });
    await vi.waitFor(() => expect(attemptsSeen.get(key)).toEqual([1]));
    await restart();
    await vi.waitFor(() => expect(attemptsSeen.get(key)).toEqual([1, 2]), { timeout: 5_000, interval: 20 });
    expect(Date.now() - failedAt).toBeGreaterThanOrEqual(1_500);
    releaseAttempt();
    await expect(runtime.handle(twoAttempts, key).result()).resolves.toBe(
      "Step 'failing' failed after 2 attempts: Error: attempt 2 failed",
    );
  });

  test('a cancellation during the backoff between attempts interrupts the step at once', async () => {
    const key = id('cancel-backoff');
    const handle = await runtime.start(twoAttempts, { key, backoff: 3_600_000 }, { id: key });
    await vi.waitFor(() => expect(attemptsSeen.get(key)).toEqual([1]));
    const cancelled = Date.now();
    await handle.cancel();
    await expect(handle.result()).resolves.toBe('The execution was cancelled');
    expect(Date.now() - cancelled).toBeLessThan(2_000);
    expect(attemptsSeen.get(key)).toEqual([1]);
  });
});

describe('client-only runtimes (worker: false)', () => {
  test('a client starts and observes executions that a worker on the same store runs', async () => {
    const client = await createResonateRuntime(
      { localStore: runtime.localStore, worker: false, logLevel: 'error' },
      registry,
    );
    try {
      const key = id('client');
      const handle = await client.start(fanOut, { key }, { id: key });
      await handle.send('inbox', 'via client');
      await handle.resolvePromise('go', 'from client');
      await expect(handle.result()).resolves.toMatchObject({ promised: 'from client', received: 'via client' });
      expect(await client.handle(fanOut, key).status()).toBe('completed');
    } finally {
      await client.close();
    }
  });
});

describe('a workflow the worker does not know', () => {
  const ghost = defineWorkflow({ name: 'ghost', run: async () => 'boo' });

  test('fails the execution at once with an error naming it (no task handed around forever)', async () => {
    const client = await createResonateRuntime(
      { localStore: runtime.localStore, worker: false, logLevel: 'error' },
      { ...registry, workflows: [...registry.workflows, ghost] },
    );
    try {
      const handle = await client.start(ghost, undefined, { id: id('ghost') });
      const error = (await handle.result().catch((e: unknown) => e)) as WorkflowFailedError;
      expect(WorkflowFailedError.is(error), String(error)).toBe(true);
      expect(error.cause.name).toBe('ValidationError');
      expect(error.cause.message).toContain("The workflow 'ghost' is not registered");
      expect(await handle.status()).toBe('failed');
    } finally {
      await client.close();
    }
  });
});

describe('createRuntime(config) loads the adapter', () => {
  let viaConfig: Runtime | undefined;
  afterAll(async () => {
    await viaConfig?.close();
  });

  test('backend resonate without url runs in local mode', async () => {
    viaConfig = await createRuntime({ backend: 'resonate' }, registry);
    expect(viaConfig.backend).toBe('resonate');
    const handle = await viaConfig.start(childWorkflow, { waitFor: 'k' }, { id: id('config') });
    await handle.resolvePromise('k', 'v');
    await expect(handle.result()).resolves.toBe('v');
  });
});
