import {
  type ExecutionHandle,
  type Feature,
  type Runtime,
  UnsupportedFeatureError,
  WorkflowFailedError,
} from '@durable-runtime/core';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { fixtureRegistry } from './fixtures.js';
import { fixtureRegistry as fixtureRegistryV2 } from './fixtures-v2.js';
import type { ConformanceOptions, FixtureSetup, TimingOptions } from './options.js';

/** The operation groups of the spec: one describe block and one row of the results matrix each. */
export const GROUPS = [
  'start',
  'steps',
  'timers',
  'promises',
  'state',
  'messages',
  'children',
  'determinism',
  'failure-cancellation',
  'serialization',
  'identity',
  'cancellation',
  'retries',
  'code-changes',
  'after-end',
  'limits',
  'outages',
  'concurrency',
] as const;
export type GroupName = (typeof GROUPS)[number];

const FIXTURES_URL = new URL('./fixtures.js', import.meta.url);
const FIXTURES_V2_URL = new URL('./fixtures-v2.js', import.meta.url);

/** The fixture setup adapters receive; `version: 2` swaps in fixtures-v2 (a changed workflow). */
export function fixtureSetup(version: 1 | 2 = 1): FixtureSetup {
  const url = version === 1 ? FIXTURES_URL : FIXTURES_V2_URL;
  return {
    registry: version === 1 ? fixtureRegistry : fixtureRegistryV2,
    workflowModules: [decodeURIComponent(url.pathname)],
  };
}

/** What a group's tests use: the group's runtime, timing, ids, restarts. */
export interface GroupContext {
  readonly options: ConformanceOptions;
  readonly timing: TimingOptions;
  /** The runtime of the current group (changes after `restart`). */
  runtime(): Runtime;
  /** Restarts workers through the adapter's `restart` hook; `version` picks the fixtures. Throws without the hook. */
  restart(version?: 1 | 2): Promise<void>;
  /**
   * Closes the group's runtime (its workers stop), runs `work` on a client-only runtime from the adapter's
   * `createClient`, closes that, and starts workers again on the same engine (the `restart` hook). Throws without
   * `createClient`.
   */
  withoutWorker(work: (client: Runtime) => Promise<void>): Promise<void>;
  readonly canRestart: boolean;
  /** A fresh execution id, unique in this run. */
  id(prefix: string): string;
  /** A duration lengthened for the engine's timer granularity. */
  ms(base: number): number;
  /** How late a timed event may be: tolerance plus granularity. */
  readonly lateMs: number;
}

let idCounter = 0;
const runTag = Date.now().toString(36);

/**
 * Declares one group: a describe block with its own runtime. A group whose feature the backend does not declare
 * runs one probe that must fail with `UnsupportedFeatureError` (and shows as unsupported in the matrix).
 */
export function defineGroup(
  options: ConformanceOptions,
  name: GroupName,
  feature: Feature | undefined,
  body: (group: GroupContext) => void,
  probeUnsupported?: (group: GroupContext) => Promise<unknown>,
): void {
  describe(`[${name}]`, () => {
    let current: Runtime | undefined;
    const timing: TimingOptions = { timerGranularityMs: 0, lateToleranceMs: 3000, ...options.timing };
    const group: GroupContext = {
      options,
      timing,
      runtime: () => {
        if (!current) throw new Error('the group runtime is not created yet');
        return current;
      },
      async restart(version = 1) {
        if (!options.restart) throw new Error(`${options.name}: this test needs the adapter's restart option`);
        if (!current) throw new Error('the group runtime is not created yet');
        current = await options.restart(current, fixtureSetup(version));
      },
      async withoutWorker(work) {
        const { createClient } = options;
        if (!createClient) throw new Error(`${options.name}: this test needs the adapter's createClient option`);
        if (!current) throw new Error('the group runtime is not created yet');
        const closed = current;
        current = undefined;
        await closed.close();
        const client = await createClient(fixtureSetup(1), closed);
        try {
          await work(client);
        } finally {
          await client.close();
          // Workers start again on the same engine: what the client started runs now.
          current = options.restart
            ? await options.restart(closed, fixtureSetup(1))
            : await options.createRuntime(fixtureSetup(1));
        }
      },
      canRestart: options.restart !== undefined,
      id: (prefix) => `${prefix}-${runTag}-${++idCounter}`,
      ms: (base) => base + timing.timerGranularityMs,
      lateMs: timing.lateToleranceMs + timing.timerGranularityMs,
    };
    beforeAll(async () => {
      current = await options.createRuntime(fixtureSetup(1));
    });
    afterAll(async () => {
      await current?.close();
    });
    if (feature && !options.capabilities[feature]) {
      test(`undeclared feature '${feature}' fails with UnsupportedFeatureError`, async () => {
        if (!probeUnsupported) throw new Error(`no probe for feature '${feature}'`);
        await expectUnsupported(probeUnsupported(group));
      });
      return;
    }
    body(group);
  });
}

/** Declares a test that needs a sub-feature (e.g. `stepTimeouts`): the feature's test, or its unsupported probe. */
export function featureTest(group: GroupContext, feature: Feature, name: string, fn: () => Promise<void>): void {
  if (group.options.capabilities[feature]) {
    test(name, fn);
  } else {
    test(`${name}: undeclared feature '${feature}' fails with UnsupportedFeatureError`, async () => {
      await expectUnsupported(fn());
    });
  }
}

/** Passes when the work failed with `UnsupportedFeatureError`, directly or as the cause of a workflow failure. */
export async function expectUnsupported(work: Promise<unknown>): Promise<void> {
  const outcome = await work.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if ('error' in outcome) {
    const { error } = outcome;
    if (UnsupportedFeatureError.is(error)) return;
    if (WorkflowFailedError.is(error) && error.cause.name === 'UnsupportedFeatureError') return;
    throw new Error(`expected UnsupportedFeatureError, got ${String(error)}`);
  }
  const text = JSON.stringify(outcome.value) ?? '';
  expect(text, 'an undeclared feature must fail with UnsupportedFeatureError').toContain('UnsupportedFeatureError');
}

/** Waits until the execution's state entry `key` equals `expected` or satisfies it (polling). */
export async function waitForState(
  handle: ExecutionHandle,
  key: string,
  expected: unknown,
  timeoutMs = 20_000,
): Promise<void> {
  await vi.waitFor(
    async () => {
      const value = await handle.getState(key);
      if (typeof expected === 'function')
        expect((expected as (v: unknown) => boolean)(value), `state '${key}' = ${JSON.stringify(value)}`).toBe(true);
      else expect(value).toEqual(expected);
    },
    { timeout: timeoutMs, interval: 25 },
  );
}

/** `work`, or a rejection naming `what` when it has not settled within `ms` (a bounded wait, not a hang). */
export function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/** Awaits a promise expected to reject and returns the error. */
export async function rejectionOf(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
