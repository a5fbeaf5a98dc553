import { fixtureSetup } from '@durable-runtime/conformance';
import { fixtureRegistry, stateful } from '@durable-runtime/conformance/fixtures';
import {
  ConfigError,
  defineWorkflow,
  EngineConnectionError,
  type Runtime,
  RuntimeClosedError,
  WorkflowFailedError,
} from '@durable-runtime/core';
import { createTemporalRuntime, type TemporalRuntimeOptions } from '@durable-runtime/temporal';
import { startTemporalDevServer, type TemporalDevServer } from '@durable-runtime/temporal/testing';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';

/** How long a call may take without a worker or a server: the adapter's request timeout, with room. */
const CALL_LIMIT_MS = 12_000;

let server: TemporalDevServer;
const runtimes: Runtime[] = [];

beforeAll(async () => {
  server = await startTemporalDevServer();
});
afterAll(async () => {
  await Promise.allSettled(runtimes.map((runtime) => runtime.close()));
  await server?.stop();
});

async function runtime(options: TemporalRuntimeOptions, registry: Parameters<typeof createTemporalRuntime>[1]) {
  const created = await createTemporalRuntime(
    { address: server.address, bundleConditions: ['source'], logLevel: 'ERROR', ...options },
    registry,
  );
  runtimes.push(created);
  return created;
}

async function timedRejection(work: () => Promise<unknown>): Promise<{ error: Error; ms: number }> {
  const started = Date.now();
  const error = await work().then(
    () => new Error('expected a rejection'),
    (reason: unknown) => reason as Error,
  );
  return { error, ms: Date.now() - started };
}

/** A workflow no worker's modules define. */
const ghost = defineWorkflow({
  name: 'ghost',
  async run(_ctx, _input: Record<string, never>) {
    return 'never';
  },
});

describe('a workflow the worker does not know', () => {
  test('fails the execution at once with an error naming it', async () => {
    const { workflowModules } = fixtureSetup();
    await runtime({ taskQueue: 'ghost', workflowModules }, fixtureRegistry);
    const client = await runtime({ taskQueue: 'ghost', worker: false }, { workflows: [ghost] });
    const handle = await client.start(ghost, {}, { id: 'ghost-1' });
    const error = (await handle.result().catch((reason: unknown) => reason)) as Error;
    expect(WorkflowFailedError.is(error), String(error)).toBe(true);
    expect(error.message).toContain("'ghost'");
    expect(await handle.status()).toBe('failed');
  });
});

describe('without a worker', () => {
  test('getState of a running execution fails typed within the request timeout; a resolution is accepted', async () => {
    const { registry, workflowModules } = fixtureSetup();
    const worker = await runtime({ taskQueue: 'no-worker', workflowModules }, registry);
    const handle = await worker.start(stateful, {}, { id: 'no-worker-running' });
    await vi.waitFor(async () => expect(await handle.getState('phase')).toBe('started'), { timeout: 10_000 });
    await worker.close();
    const client = await runtime({ taskQueue: 'no-worker', worker: false }, registry);
    const ended = client.handle(stateful, 'no-worker-running');
    const { error, ms } = await timedRejection(() => ended.getState('phase'));
    expect(EngineConnectionError.is(error), String(error)).toBe(true);
    expect(error.message).toContain('TEMPORAL_TASK_QUEUE');
    expect(ms).toBeLessThan(CALL_LIMIT_MS);
    expect(await ended.status()).toBe('running');
    await expect(ended.resolvePromise('continue', true)).resolves.toBe(true);
    await expect(ended.resolvePromise('continue', false)).resolves.toBe(false);
    // A new worker picks the execution up and it ends with the accepted resolution.
    await runtime({ taskQueue: 'no-worker', workflowModules }, registry);
    await expect(ended.result()).resolves.toMatchObject({ readBack: { nested: [1, 2, 3] } });
  });
});

describe('closing and engine failures', () => {
  test('close() while result() is pending rejects it with RuntimeClosedError', async () => {
    const { registry, workflowModules } = fixtureSetup();
    const closing = await createTemporalRuntime(
      {
        address: server.address,
        taskQueue: 'closing',
        workflowModules,
        bundleConditions: ['source'],
        logLevel: 'ERROR',
      },
      registry,
    );
    const handle = await closing.start(stateful, {}, { id: 'closing-pending' });
    const pending = handle.result().catch((reason: unknown) => reason as Error);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await closing.close();
    const error = await pending;
    expect(RuntimeClosedError.is(error), String(error)).toBe(true);
  });

  test('an unknown namespace is a ConfigError naming TEMPORAL_NAMESPACE', async () => {
    const error = (await createTemporalRuntime(
      { address: server.address, namespace: 'no-such-namespace', worker: false, logLevel: 'ERROR' },
      fixtureRegistry,
    ).catch((reason: unknown) => reason)) as Error;
    expect(ConfigError.is(error), String(error)).toBe(true);
    expect(error.message).toContain('TEMPORAL_NAMESPACE');
  });

  test('calls to a server that went away fail with EngineConnectionError naming the address, within the timeout', async () => {
    const own = await startTemporalDevServer();
    const client = await createTemporalRuntime(
      { address: own.address, taskQueue: 'outage', worker: false, logLevel: 'ERROR' },
      fixtureRegistry,
    );
    try {
      await own.stop();
      const { error, ms } = await timedRejection(() => client.handle(stateful, 'anything').status());
      expect(EngineConnectionError.is(error), String(error)).toBe(true);
      expect(error.message).toContain(own.address);
      expect(error.message).toContain('TEMPORAL_ADDRESS');
      expect(ms).toBeLessThan(CALL_LIMIT_MS);
    } finally {
      await client.close();
    }
  });
});
