import { defineStep, defineWorkflow } from '@durable-runtime/core';
import type { PromiseRecord } from '@resonatehq/sdk';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createResonateRuntime, LocalStore, type LocalStoreBookkeeping, type ResonateRuntime } from '../src/index.js';
import { forwardingNetwork, type ResonateNetwork } from '../src/resonate-network.js';

// A store failure (the store or the network throws) on a read the adapter does outside the workflow's operations, at
// the start of a pass (or at its end, when it has no operation), aborts the pass: the SDK runs it again later. It must
// never fail the execution: a transient store error delays an execution, it does not lose it.

/** A local store whose next read of chosen promise ids fails (once each), whichever way the adapter reads them. */
class FlakyStore extends LocalStore {
  readonly #failing = new Set<string>();
  /** The ids whose read failed, in order. */
  readonly failed: string[] = [];

  failNextRead(id: string): void {
    this.#failing.add(id);
  }

  #fails(id: string): boolean {
    if (!this.#failing.delete(id)) return false;
    this.failed.push(id);
    return true;
  }

  /** Reads through the SDK (`resonate.promises.get`): a server, or a store with `'server'` bookkeeping. */
  override attach(options: Parameters<LocalStore['attach']>[0] = {}): ResonateNetwork {
    const network = super.attach(options);
    const send: ResonateNetwork['send'] = (request) => {
      const id = request.kind === 'promise.get' ? (request.data as { id: string }).id : undefined;
      if (id !== undefined && this.#fails(id)) return Promise.reject(new Error(`store unavailable (reading ${id})`));
      return network.send(request);
    };
    return forwardingNetwork(network, { send });
  }

  /** Reads of the in-process store's own (local mode proper). */
  override read(id: string): Promise<PromiseRecord | undefined> | undefined {
    if (this.#fails(id)) return Promise.reject(new Error(`store unavailable (reading ${id})`));
    return super.read(id);
  }
}

const calls = new Map<string, number>();

const double = defineStep('double', async (key: string) => {
  calls.set(key, (calls.get(key) ?? 0) + 1);
  return key.length * 2;
});

/** One step: its first pass reads the cancel flag before it (server bookkeeping), and the end after it. */
const oneStep = defineWorkflow({
  name: 'oneStep',
  async run(ctx, key: string) {
    return { doubled: await ctx.run(double, key) };
  },
});

/** No operation at all: the read at the end of its pass is the only store request of the pass. */
const constant = defineWorkflow({
  name: 'constant',
  async run(_ctx, value: number) {
    return value + 1;
  },
});

/** Starts a delayed child and ends. */
const starter = defineWorkflow({
  name: 'starter',
  async run(ctx, childId: string) {
    await ctx.start(oneStep, childId, { id: childId, delay: 300 });
    return childId;
  },
});

const registry = { workflows: [oneStep, constant, starter], steps: [double] };
const open: ResonateRuntime[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((runtime) => runtime.close()));
});

async function runtimeOn(bookkeeping: LocalStoreBookkeeping): Promise<{ store: FlakyStore; runtime: ResonateRuntime }> {
  const store = new FlakyStore({ bookkeeping });
  const runtime = await createResonateRuntime({ localStore: store, logLevel: 'error' }, registry);
  open.push(runtime);
  return { store, runtime };
}

const newId = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

describe('a store failure at the start of a pass aborts the pass, it does not fail the execution', () => {
  test("'server' bookkeeping: the read of the cancel flag before the first operation fails once", async () => {
    const { store, runtime } = await runtimeOn('server');
    const id = newId('flag');
    store.failNextRead(`${id}:cancel`);
    const handle = await runtime.start(oneStep, id, { id });
    expect(await handle.result()).toEqual({ doubled: id.length * 2 });
    expect(store.failed).toEqual([`${id}:cancel`]);
    expect(calls.get(id)).toBe(1);
    expect(await handle.status()).toBe('completed');
  });

  test.each<LocalStoreBookkeeping>(['in-process', 'server'])(
    "'%s' bookkeeping: a cancelled child's read of its first position, before it starts, fails once",
    async (bookkeeping) => {
      const { store, runtime } = await runtimeOn(bookkeeping);
      const childId = newId(`child-${bookkeeping}`);
      store.failNextRead(`${childId}:0`);
      const parent = await runtime.start(starter, childId, { id: `parent-${childId}` });
      expect(await parent.result()).toBe(childId);
      const child = runtime.handle(oneStep, childId);
      // Cancelled during its delay: its first pass finds the flag, then reads whether it ran an operation already.
      await child.cancel();
      await vi.waitFor(async () => expect(await child.status()).not.toBe('running'), { timeout: 10_000, interval: 20 });
      expect(await child.status()).toBe('cancelled');
      expect(store.failed).toEqual([`${childId}:0`]);
      expect(calls.get(childId)).toBeUndefined();
    },
  );

  test.each<LocalStoreBookkeeping>(['in-process', 'server'])(
    "'%s' bookkeeping: the end read of a pass without operations (its only store request) fails once",
    async (bookkeeping) => {
      const { store, runtime } = await runtimeOn(bookkeeping);
      const id = newId(`constant-${bookkeeping}`);
      store.failNextRead(`${id}:0`);
      const handle = await runtime.start(constant, 41, { id });
      expect(await handle.result()).toBe(42);
      expect(store.failed).toEqual([`${id}:0`]);
    },
  );

  test.each<LocalStoreBookkeeping>(['in-process', 'server'])(
    "'%s' bookkeeping: the end read after a step fails once: the step is not run again",
    async (bookkeeping) => {
      const { store, runtime } = await runtimeOn(bookkeeping);
      const id = newId(`end-${bookkeeping}`);
      store.failNextRead(`${id}:1`);
      const handle = await runtime.start(oneStep, id, { id });
      expect(await handle.result()).toEqual({ doubled: id.length * 2 });
      expect(store.failed).toEqual([`${id}:1`]);
      expect(calls.get(id)).toBe(1);
    },
  );
});
