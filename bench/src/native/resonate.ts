import { LocalStore } from '@durable-runtime/resonate';
import { Codec } from '@resonatehq/sdk';
import { type Context, Exponential, type Info, Resonate } from '@resonatehq/sdk/async';
import { hit, waitForHit } from '../marks.js';
import type { Program } from '../types.js';
import { increment } from '../workflows.js';

/**
 * The workloads written directly on Resonate's async engine (`@resonatehq/sdk/async`), as its documentation shows:
 * leaf functions for steps, `ctx.run`, `ctx.sleep`, a latent `ctx.promise()` resolved through `resonate.promises`.
 * Without `url` or `network`, `new Resonate()` is Resonate's in-process local mode; with `network` from the adapter's
 * `LocalStore`, the same code runs on the store the adapter's local mode uses.
 */

/** Why Resonate subjects start every sample on a fresh instance (the growth was measured once, on this machine). */
export const RESONATE_GROWTH_NOTE =
  'Resonate local mode keeps every durable promise in memory and some operations scan all of them ' +
  '(LocalNetwork.preload, triggerFulfilled), so a process slows down as executions accumulate (natively, a 10-step ' +
  'workflow took 1.9 ms fresh and 4.7 ms after 8,000 executions): every sample therefore starts on a fresh instance, ' +
  'untimed, on both sides, and on the memory engine too.';

/** Why native sleeps on Resonate's local mode take one of two times (seen on this machine). */
export const RESONATE_TICK_NOTE =
  'Resonate local mode settles a timer on the tick of its clock, once a second, or earlier when a ' +
  'request names the expired timer: a task that suspends on its sleep after the deadline (the process ' +
  'was busy for longer than the sleep, as when 1,000 executions start at once) finds it settled. So ' +
  'native batches of sleeps take about 0.45 s or about 1.05 s depending on how busy the machine is ' +
  "(both seen in this project's runs). durable-runtime's Resonate adapter reads each timer at its " +
  'deadline, so its sleeps end on time.';

/** The adapter's default step policy (5 attempts, 1 s doubling up to 60 s), so both sides promise the same. */
const retryPolicy = new Exponential({ delay: 1_000, factor: 2, maxRetries: 4, maxDelay: 60_000 });

function addOne(_info: Info, n: number): number {
  return increment(n);
}

function markStep(_info: Info, key: string, promiseId?: string): boolean {
  hit(key, promiseId);
  return true;
}

async function nativeSteps(ctx: Context, count: number, n: number): Promise<number> {
  let value = n;
  for (let i = 0; i < count; i++) value = await ctx.run(addOne, value, ctx.options({ retryPolicy }));
  return value;
}

async function nativeStart(ctx: Context, key: string): Promise<boolean> {
  return ctx.run(markStep, key, undefined, ctx.options({ retryPolicy }));
}

async function nativeSleep(ctx: Context, ms: number): Promise<number> {
  await ctx.sleep(ms);
  return ms;
}

async function nativePromise(ctx: Context, key: string): Promise<number> {
  const go = ctx.promise<number>();
  await ctx.run(markStep, key, go.id, ctx.options({ retryPolicy }));
  return go;
}

/**
 * Which in-process store the native program runs on: `'local-store'`, the adapter's `LocalStore` (what the adapter
 * runs on in local mode: the comparison like for like), or `'stock'`, the SDK's own `new Resonate()` (its
 * `LocalNetwork` directly).
 */
export type ResonateNativeStore = 'local-store' | 'stock';

/** A Resonate instance on a fresh in-process store with the four native workflows registered. */
function localResonate(store: ResonateNativeStore): Resonate {
  const resonate =
    store === 'stock'
      ? new Resonate({ logLevel: 'error' })
      : new Resonate({ network: new LocalStore().attach(), logLevel: 'error' });
  resonate.register('nativeSteps', nativeSteps);
  resonate.register('nativeStart', nativeStart);
  resonate.register('nativeSleep', nativeSleep);
  resonate.register('nativePromise', nativePromise);
  return resonate;
}

/**
 * The native program on an in-process Resonate store (the SDK's stock one unless told otherwise); `reset()` replaces
 * the instance and its store.
 */
export function resonateNativeProgram(store: ResonateNativeStore = 'stock'): Program {
  let resonate = localResonate(store);
  const codec = new Codec();
  return {
    async runSteps(id, count, n) {
      const handle = await resonate.run(id, nativeSteps, count, n);
      return handle.result();
    },
    async startMarked(id) {
      const handle = await resonate.run(id, nativeStart, id);
      return () => handle.result();
    },
    async runSleep(id, ms) {
      const handle = await resonate.run(id, nativeSleep, ms);
      await handle.result();
    },
    async startWaiting(id) {
      const handle = await resonate.run(id, nativePromise, id);
      return {
        async resolve(value) {
          const promiseId = (await waitForHit(id)).data as string;
          await resonate.promises.resolve(promiseId, { headers: {}, data: codec.encode(value).data ?? '' });
        },
        result: () => handle.result(),
      };
    },
    async reset() {
      await resonate.stop();
      resonate = localResonate(store);
    },
    close: () => resonate.stop(),
  };
}
