import { createRuntime, defineStep, defineWorkflow, ValidationError, WorkflowFailedError } from '@durable-runtime/core';
import { describe, expect, test, vi } from 'vitest';
import { createInMemoryStore, createMemoryRuntime, VirtualClock } from '../src/index.js';

const calls: string[] = [];
let releaseSlowStep: (() => void) | undefined;

const quick = defineStep('quick', async (args: { tag: string }) => {
  calls.push(args.tag);
  return args.tag;
});
/** Hangs the first time it runs for a tag (until released), answers at once when it runs again. */
const slow = defineStep('slow', async (args: { tag: string }, info) => {
  const call = `${args.tag}#${info.attempt}`;
  const first = !calls.includes(call);
  calls.push(call);
  if (first) await new Promise<void>((resolve) => (releaseSlowStep = resolve));
  return args.tag;
});

const longRunning = defineWorkflow({
  name: 'longRunning',
  async run(ctx, _input: Record<string, never>) {
    const started = (await ctx.now()).getTime();
    await ctx.sleep('2d');
    await ctx.sleepUntil(started + 3 * 86_400_000);
    const ended = (await ctx.now()).getTime();
    return { days: (ended - started) / 86_400_000 };
  },
});

const pipeline = defineWorkflow({
  name: 'pipeline',
  async run(ctx, input: { id: string }) {
    const a = await ctx.run(quick, { tag: `${input.id}:a` });
    const b = await ctx.run(slow, { tag: `${input.id}:b` });
    const c = await ctx.run(quick, { tag: `${input.id}:c` });
    return [a, b, c];
  },
});

const branch = 'left';
const branching = defineWorkflow({
  name: 'branching',
  async run(ctx, _input: Record<string, never>) {
    await ctx.run(quick, { tag: branch });
    await ctx.promise('go');
    return branch;
  },
});

const registry = { workflows: [longRunning, pipeline, branching], steps: [quick, slow] };

describe('memory engine', () => {
  test('a virtual clock makes a sleep of days finish at once', async () => {
    const clock = new VirtualClock({ start: 0 });
    const runtime = createMemoryRuntime(registry, { clock });
    const handle = await runtime.start(longRunning, {}, { id: 'days' });
    expect(await handle.status()).toBe('running');
    await clock.advance('1d');
    expect(await handle.status()).toBe('running');
    await clock.advance('2d');
    await expect(handle.result()).resolves.toEqual({ days: 3 });
  });

  test("the 'virtual' clock setting advances by itself when the engine is idle", async () => {
    const runtime = await createRuntime({ backend: 'memory', clock: 'virtual' }, registry);
    const started = Date.now();
    await expect(runtime.run(longRunning, {}, { id: 'auto' })).resolves.toEqual({ days: 3 });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('a crash mid-step: a new runtime over the same store resumes; recorded steps do not run again', async () => {
    calls.length = 0;
    const store = createInMemoryStore();
    const first = createMemoryRuntime(registry, { store });
    await first.start(pipeline, { id: 'p1' }, { id: 'p1' });
    await vi.waitFor(() => expect(calls).toContain('p1:b#1'), { timeout: 10_000, interval: 1 });
    first.crash();
    releaseSlowStep?.();
    const second = createMemoryRuntime(registry, { store });
    await expect(second.handle(pipeline, 'p1').result()).resolves.toEqual(['p1:a', 'p1:b', 'p1:c']);
    // The interrupted attempt runs again as attempt 1: a crash is not a failed attempt (rule 14).
    expect(calls).toEqual(['p1:a', 'p1:b#1', 'p1:b#1', 'p1:c']);
    const slowEntry = store.read('p1')?.journal.find((entry) => entry.kind === 'step' && entry.name === 'slow');
    expect(slowEntry?.result).toEqual({ value: 'p1:b' });
    expect(slowEntry?.failedAttempts).toBeUndefined();
  });

  test('a crashed runtime persists nothing more', async () => {
    const store = createInMemoryStore();
    const runtime = createMemoryRuntime(registry, { store });
    await runtime.start(branching, {}, { id: 'frozen' });
    runtime.crash();
    await runtime.handle(branching, 'frozen').resolvePromise('go', true);
    expect(store.read('frozen')?.promises).toEqual({});
  });

  test('a replay that diverges fails the execution with NonDeterminismError, naming both operations', async () => {
    const store = createInMemoryStore();
    const third = createMemoryRuntime(registry, { store });
    await third.start(pipeline, { id: 'x' }, { id: 'diverge-2' });
    await vi.waitFor(() => expect(store.read('diverge-2')?.journal.some((entry) => entry.name === 'slow')).toBe(true), {
      timeout: 10_000,
      interval: 1,
    });
    third.crash();
    releaseSlowStep?.();
    const reordered = defineWorkflow({
      name: 'pipeline',
      async run(ctx, input: { id: string }) {
        await ctx.run(slow, { tag: `${input.id}:b` });
        return [];
      },
    });
    const fourth = createMemoryRuntime(
      { workflows: [reordered, longRunning, branching], steps: [quick, slow] },
      { store },
    );
    const error = await fourth
      .handle(reordered, 'diverge-2')
      .result()
      .catch((e: unknown) => e);
    expect(WorkflowFailedError.is(error)).toBe(true);
    expect((error as WorkflowFailedError).cause).toMatchObject({ name: 'NonDeterminismError' });
    expect((error as WorkflowFailedError).cause.message).toContain(
      "Replay of execution 'diverge-2' of workflow 'pipeline' diverged at operation #0: " +
        "the history recorded 'step:quick', the workflow now runs 'step:slow'",
    );
  });

  test('a step that is not registered fails the execution with a clear error', async () => {
    const unregistered = defineStep('unregistered', async () => 1);
    const uses = defineWorkflow({
      name: 'uses',
      async run(ctx, _input: Record<string, never>) {
        return ctx.run(unregistered, {});
      },
    });
    const runtime = createMemoryRuntime({ workflows: [uses] });
    const error = (await runtime.run(uses, {}, { id: 'u' }).catch((e: unknown) => e)) as WorkflowFailedError;
    expect(error.cause.name).toBe('ValidationError');
    expect(error.cause.message).toContain("The step 'unregistered' is not registered with this runtime");
  });

  test('starting a workflow that is not registered is rejected before anything is created', async () => {
    const runtime = createMemoryRuntime(registry);
    const stranger = defineWorkflow({ name: 'stranger', run: async () => 1 });
    await expect(runtime.start(stranger, undefined as never, { id: 's' })).rejects.toThrow(ValidationError);
    expect(runtime.engine.store.ids()).toEqual([]);
  });

  test('nothing is shared with the caller: changing what went in or came out changes nothing stored', async () => {
    const runtime = createMemoryRuntime(registry);
    const handle = await runtime.start(branching, {}, { id: 'unshared' });
    const value = { nested: ['value'] };
    await handle.resolvePromise('go', value);
    value.nested.push('changed after the call');
    await handle.result();
    const state = (await handle.getState()) as Record<string, unknown>;
    state.added = 'by the caller';
    expect(await handle.getState()).toEqual({});
    const record = runtime.engine.store.read('unshared');
    expect(record?.journal.map((entry) => entry.kind)).toEqual(['step', 'promise']);
    expect(record?.promises.go).toEqual({ kind: 'value', value: { nested: ['value'] } });
  });
});

test('close() cancels pending timers, so a process with a long wait can exit', async () => {
  const runtime = createMemoryRuntime(registry);
  await runtime.start(longRunning, {}, { id: 'closing' });
  await runtime.close();
  const { spawnSync } = await import('node:child_process');
  const script = `
    const { createMemoryRuntime } = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
    const { defineWorkflow } = await import('@durable-runtime/core');
    const waits = defineWorkflow({ name: 'waits', run: async (ctx) => ctx.promise('never', { timeout: '1h' }) });
    const runtime = createMemoryRuntime({ workflows: [waits] });
    await runtime.start(waits, {}, { id: 'w' });
    await runtime.close();
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: new URL('..', import.meta.url).pathname,
    timeout: 10_000,
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
});
