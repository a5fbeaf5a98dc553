import { ConfigError, defineStep, defineWorkflow, WorkflowFailedError } from '@durable-runtime/core';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createResonateRuntime, LocalStore, type LocalStoreBookkeeping, type ResonateRuntime } from '../src/index.js';

// Where the adapter keeps its bookkeeping on a local store: in the store's memory ('in-process') or, as on a Resonate
// server, in durable promises ('server'). Read from the in-process server's own snapshot of its promises.

const attempts = new Map<string, number>();

/** Fails its first attempt for each key, then succeeds. */
const flaky = defineStep('flaky', async (key: string) => {
  const attempt = (attempts.get(key) ?? 0) + 1;
  attempts.set(key, attempt);
  if (attempt === 1) throw new Error('first attempt fails');
  return attempt;
});

const waiter = defineWorkflow({
  name: 'waiter',
  async run(ctx, key: string) {
    await ctx.run(flaky, key, { retry: { maxAttempts: 2, initialInterval: 0 } });
    return ctx.promise<string>('go');
  },
});

const caller = defineWorkflow({
  name: 'caller',
  async run(ctx, childId: string) {
    return ctx.call(waiter, childId, { id: childId });
  },
});

const registry = { workflows: [waiter, caller], steps: [flaky] };
const open: ResonateRuntime[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((runtime) => runtime.close()));
});

/** The ids of every promise of the store, as its in-process server lists them (`debug.snap`). */
async function promiseIds(store: LocalStore): Promise<string[]> {
  const network = store.attach({ worker: false });
  const response = await network.send({
    kind: 'debug.snap',
    head: { corrId: crypto.randomUUID(), version: '' },
    data: {},
  });
  await network.stop();
  return (response.data as { promises: { id: string }[] }).promises.map((promise) => promise.id);
}

/** The adapter's bookkeeping promises of an execution, by kind: `c.<n>`, `w.<n>`, `f.<position>.<n>`, `cancel`. */
function bookkeepingKinds(ids: readonly string[], executionId: string): string[] {
  const kinds = ids
    .filter((id) => id.startsWith(`${executionId}:`))
    .map((id) => id.slice(executionId.length + 1))
    .filter((segment) => /^(c|w|f|cancel)\b/.test(segment))
    .map((segment) => segment.replace(/\.\d+$/, '.<n>').replace(/^f\.\d+/, 'f.<position>'));
  return [...new Set(kinds)].sort();
}

/** Runs a caller whose child fails a step once, waits, and is cancelled; returns the child's bookkeeping kinds. */
async function bookkeepingOf(bookkeeping: LocalStoreBookkeeping): Promise<string[]> {
  const localStore = new LocalStore({ bookkeeping });
  const runtime = await createResonateRuntime({ localStore, logLevel: 'error' }, registry);
  open.push(runtime);
  const childId = `child-${bookkeeping}-${crypto.randomUUID().slice(0, 8)}`;
  const parent = await runtime.start(caller, childId, { id: `parent-${childId}` });
  const child = runtime.handle(waiter, childId);
  const waiting = async () => (await promiseIds(localStore)).some((id) => id.startsWith(`${childId}:p.`));
  // The child waits on its promise (its slot exists) once its step succeeded at the second attempt.
  await vi.waitFor(async () => expect(await waiting()).toBe(true), { timeout: 10_000, interval: 20 });
  expect(attempts.get(childId)).toBe(2);
  await child.cancel();
  await expect(parent.result()).rejects.toThrow(WorkflowFailedError);
  expect(await child.status()).toBe('cancelled');
  return bookkeepingKinds(await promiseIds(localStore), childId);
}

describe('LocalStore bookkeeping', () => {
  test("'server': watch lists, the wait registry, the cancel flag and failed attempts are durable promises", async () => {
    expect(await bookkeepingOf('server')).toEqual(['c.<n>', 'cancel', 'f.<position>.<n>', 'w.<n>']);
  });

  test("'in-process' (the default): none of them is a promise (the store keeps them in memory)", async () => {
    expect(await bookkeepingOf('in-process')).toEqual([]);
    expect(new LocalStore().bookkeeping).toBe('in-process');
  });

  test('an unknown bookkeeping is refused with a ConfigError naming both values', () => {
    expect(() => new LocalStore({ bookkeeping: 'disk' as LocalStoreBookkeeping })).toThrow(ConfigError);
    expect(() => new LocalStore({ bookkeeping: 'disk' as LocalStoreBookkeeping })).toThrow(
      /bookkeeping must be 'in-process' or 'server', not 'disk'/,
    );
  });
});
