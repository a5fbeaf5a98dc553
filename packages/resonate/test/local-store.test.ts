import { defineStep, defineWorkflow } from '@durable-runtime/core';
import { type Context, type Info, Resonate } from '@resonatehq/sdk/async';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createResonateRuntime, LocalStore, type ResonateRuntime } from '../src/index.js';

const runs = new Map<string, number>();
const ran = (key: string) => runs.get(key) ?? 0;

/** A step that takes `ms` and counts its attempts. */
const slow = defineStep('slow', async (args: { key: string; ms: number }) => {
  runs.set(args.key, ran(args.key) + 1);
  await new Promise((resolve) => setTimeout(resolve, args.ms));
  return args.key;
});

const slowWorkflow = defineWorkflow({
  name: 'slowWorkflow',
  async run(ctx, input: { key: string; ms: number }) {
    return ctx.run(slow, input);
  },
});

const napper = defineWorkflow({
  name: 'napper',
  async run(ctx, ms: number) {
    await ctx.sleep(ms);
    return ms;
  },
});

const registry = { workflows: [slowWorkflow, napper], steps: [slow] };

let counter = 0;
const id = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++counter}`;

const open: ResonateRuntime[] = [];
async function runtimeOn(localStore?: LocalStore, logLevel: 'warn' | 'error' = 'error'): Promise<ResonateRuntime> {
  const runtime = await createResonateRuntime({ localStore, logLevel }, registry);
  open.push(runtime);
  return runtime;
}

afterEach(async () => {
  vi.restoreAllMocks();
  for (const runtime of open.splice(0)) await runtime.close();
});

describe('local store: worker restarts', () => {
  test('a worker that stops in the middle of a step hands its execution to the new worker at once', async () => {
    const first = await runtimeOn();
    const key = id('restart-mid-step');
    await first.start(slowWorkflow, { key, ms: 300 }, { id: key });
    await vi.waitFor(() => expect(ran(key)).toBe(1));
    const second = await runtimeOn(first.localStore);
    await first.close();
    const started = Date.now();
    // Without the hand-back, the task stays claimed by the stopped worker for the SDK's lease (a minute).
    await expect(second.handle(slowWorkflow, key).result()).resolves.toBe(key);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(ran(key)).toBe(2); // the interrupted attempt runs again (at least once per attempt)
  });

  test('a task handed back while no worker is attached goes to the next worker', async () => {
    const first = await runtimeOn();
    const key = id('restart-gap');
    await first.start(slowWorkflow, { key, ms: 300 }, { id: key });
    await vi.waitFor(() => expect(ran(key)).toBe(1));
    const store = first.localStore;
    await first.close();
    const second = await runtimeOn(store);
    const started = Date.now();
    // Without it, the store re-sends a pending task only after 30 s.
    await expect(second.handle(slowWorkflow, key).result()).resolves.toBe(key);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('local store: leases', () => {
  test('the first pass of an execution started with resonate.run keeps its lease (no second pass alongside)', async () => {
    // The SDK sends heartbeats only for tasks it claims from a message; the store's network heartbeats the tasks
    // that `run` claims. With a lease of 300 ms and a step of 2.5 s, a lapsed lease would have the store's clock
    // hand the task out again (it ticks once a second) and the step run a second time.
    const store = new LocalStore();
    const resonate = new Resonate({ network: store.attach(), ttl: 300, logLevel: 'error' });
    let attempts = 0;
    async function longStep(_info: Info): Promise<number> {
      attempts++;
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      return 1;
    }
    async function longPass(ctx: Context): Promise<number> {
      return ctx.run(longStep);
    }
    resonate.register('longPass', longPass);
    try {
      const handle = await resonate.run(id('lease'), 'longPass');
      await expect(handle.result()).resolves.toBe(1);
      expect(attempts).toBe(1);
    } finally {
      await resonate.stop();
    }
  }, 10_000);
});

describe('local store: timers', () => {
  test('a sleep wakes at its deadline, not on the next tick of the store clock', async () => {
    const runtime = await runtimeOn();
    const started = Date.now();
    const endOf = async (ms: number) => {
      await expect(runtime.run(napper, ms, { id: id(`nap-${ms}`) })).resolves.toBe(ms);
      return Date.now() - started;
    };
    const [short, long] = await Promise.all([endOf(150), endOf(650)]);
    expect(short).toBeGreaterThanOrEqual(150);
    // The store's clock ticks once a second: tick-bound sleeps of 150 and 650 ms would end on the same tick. Ending
    // 500 ms apart (give or take a loaded machine) they followed their deadlines. Relative, so load delays both.
    expect(long - short).toBeGreaterThanOrEqual(300);
  });
});

describe('local store: task messages', () => {
  test('neither two workers on one store nor a thousand timers make the SDK warn about tasks', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const first = await runtimeOn(undefined, 'warn');
    await runtimeOn(first.localStore, 'warn');
    const naps = Array.from({ length: 1_000 }, () => first.run(napper, 100, { id: id('many-naps') }));
    const steps = Array.from({ length: 20 }, () => {
      const key = id('two-workers');
      return first.run(slowWorkflow, { key, ms: 1 }, { id: key });
    });
    await Promise.all([...naps, ...steps]);
    // Before: every task message went to every worker (one of them failed to claim it), and a timer's message that
    // came after the deadline failed to claim its task: "onMessage failed: Task not in pending state".
    const warnings = warn.mock.calls.map((args) => args.join(' ')).filter((line) => line.includes('onMessage failed'));
    expect(warnings).toEqual([]);
  }, 20_000);
});
