import { fileURLToPath } from 'node:url';
import { fixtureSetup } from '@durable-runtime/conformance';
import {
  child,
  echo,
  factorial,
  fixtureRegistry,
  fixtureSteps,
  overLimitInside,
  parent,
  pollingInbox,
  probe,
  recordCall,
  stateful,
} from '@durable-runtime/conformance/fixtures';
import { createRuntime, NonDeterminismError, type Runtime, WorkflowFailedError } from '@durable-runtime/core';
import { createTemporalRuntime, type TemporalRuntimeOptions } from '@durable-runtime/temporal';
import { startTemporalDevServer, type TemporalDevServer } from '@durable-runtime/temporal/testing';
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { loadWorkflowBundle } from '../src/bundle/bundle.js';
import { evolving as evolvingV1 } from './fixtures/evolving-v1.js';
import { evolving as evolvingV2 } from './fixtures/evolving-v2.js';
import { largeState } from './fixtures/large-state.js';
import { calls, stepA, stepB } from './fixtures/steps.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const steps = [stepA, stepB];

let server: TemporalDevServer;
let connection: Connection;
let client: Client;
const runtimes: Runtime[] = [];

beforeAll(async () => {
  server = await startTemporalDevServer();
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection });
});
afterAll(async () => {
  await Promise.all(runtimes.map((runtime) => runtime.close()));
  await connection?.close();
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

async function rejectionOf(work: Promise<unknown>): Promise<Error> {
  return work.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );
}

describe('non-determinism', () => {
  test('a worker whose step order changed fails the execution with NonDeterminismError', async () => {
    const id = 'evolving-two-workers';
    const v1 = await runtime(
      { taskQueue: 'evolving', workflowModules: [fixture('evolving-v1.ts')] },
      { workflows: [evolvingV1], steps },
    );
    const handle = await v1.start(evolvingV1, { tag: id }, { id });
    await vi.waitFor(async () => expect(await handle.getState('phase')).toBe('waiting'), { timeout: 20_000 });
    await v1.close();

    const v2 = await runtime(
      { taskQueue: 'evolving', workflowModules: [fixture('evolving-v2.ts')], workerOptions: { maxCachedWorkflows: 0 } },
      { workflows: [evolvingV2], steps },
    );
    const resumed = v2.handle(evolvingV2, id);
    await resumed.resolvePromise('go', true);
    const error = await rejectionOf(resumed.result());
    expect(WorkflowFailedError.is(error), String(error)).toBe(true);
    const { cause } = error as WorkflowFailedError;
    expect(cause).toMatchObject({ name: 'NonDeterminismError', code: 'NON_DETERMINISM' });
    expect(cause.message).toContain('[TMPRL1100]');
    expect(cause.message).toContain("'stepA' does not match activity type of activity command 'stepB'");
    expect(await resumed.status()).toBe('failed');
    expect(calls.filter((call) => call.endsWith(`:${id}`))).toEqual([`stepA:${id}`]);
  });

  test('a recorded history replays on its own version and is rejected by the changed one', async () => {
    const id = 'evolving-history';
    const v1 = await runtime(
      { taskQueue: 'evolving-history', workflowModules: [fixture('evolving-v1.ts')] },
      { workflows: [evolvingV1], steps },
    );
    const handle = await v1.start(evolvingV1, { tag: id }, { id });
    await vi.waitFor(async () => expect(await handle.getState('phase')).toBe('waiting'), { timeout: 20_000 });
    await handle.resolvePromise('go', true);
    await expect(handle.result()).resolves.toEqual([`a-${id}`, `b-${id}`]);
    const history = await client.workflow.getHandle(id).fetchHistory();

    const bundle = async (name: string) =>
      (await loadWorkflowBundle({ workflowModules: [fixture(name)], cacheDir: undefined, conditions: ['source'] }))
        .code;
    await Worker.runReplayHistory({ workflowBundle: { code: await bundle('evolving-v1.ts') } }, history, id);
    const error = await rejectionOf(
      Worker.runReplayHistory({ workflowBundle: { code: await bundle('evolving-v2.ts') } }, history, id),
    );
    expect(error.name).toBe('DeterminismViolationError');
    expect(error.message).toContain('[TMPRL1100]');
  });

  test('NonDeterminismError is the SPI error class', () => {
    expect(new NonDeterminismError('x').toShape()).toMatchObject({
      name: 'NonDeterminismError',
      code: 'NON_DETERMINISM',
    });
  });
});

describe('every activation replays (maxCachedWorkflows: 0)', () => {
  let replaying: Runtime;
  beforeAll(async () => {
    const { registry, workflowModules } = fixtureSetup();
    replaying = await runtime(
      { taskQueue: 'replaying', workflowModules, workerOptions: { maxCachedWorkflows: 0 } },
      registry,
    );
  });

  test('children, recursion and state give the same results when rebuilt by replay', async () => {
    const childId = 'replay-named-child';
    const result = await replaying.run(parent, { childId, delayMs: 0 }, { id: 'replay-parent' });
    expect(result).toMatchObject({
      named: { doubled: 2 },
      derived: { doubled: 4 },
      failure: { name: 'WorkflowFailedError' },
    });
    await expect(replaying.handle(child, `${childId}-fired`).result()).resolves.toMatchObject({ doubled: 8 });
    await expect(replaying.run(factorial, 5, { id: 'replay-factorial' })).resolves.toBe(120);

    const handle = await replaying.start(stateful, {}, { id: 'replay-state' });
    await vi.waitFor(async () => expect(await handle.getState('nullable')).toBeNull(), { timeout: 20_000 });
    await handle.resolvePromise('continue', true);
    await expect(handle.result()).resolves.toEqual({
      readBack: { nested: [1, 2, 3] },
      missing: 'undefined',
      afterDelete: undefined,
    });
    expect(await handle.getState()).toEqual({ phase: 'done', nullable: null });
  });

  test('messages are neither lost nor duplicated when the inbox is rebuilt on every activation', async () => {
    const handle = await replaying.start(
      pollingInbox,
      { count: 5, timeoutMs: 100, maxRounds: 200 },
      { id: 'replay-inbox' },
    );
    for (let i = 0; i < 5; i++) await handle.send('events', i);
    await expect(handle.result()).resolves.toMatchObject({ received: [0, 1, 2, 3, 4] });
  });
});

describe('children and steps beyond the suite', () => {
  let fixtures: Runtime;
  beforeAll(async () => {
    const { registry, workflowModules } = fixtureSetup();
    fixtures = await runtime({ taskQueue: 'beyond', workflowModules }, registry);
  });

  test('ctx.call with the id of an existing execution attaches to it instead of starting another', async () => {
    const childId = 'attach-existing-child';
    await expect(fixtures.run(child, { value: 50 }, { id: childId })).resolves.toMatchObject({ doubled: 100 });
    const result = await fixtures.run(parent, { childId, delayMs: 0 }, { id: 'attach-parent' });
    expect(result.named).toMatchObject({ doubled: 100, id: childId });
    expect(probe.count(childId, 'recordCall')).toBe(1);
  });

  test('a step missing from the registry fails at once with an error that names it', async () => {
    const withoutRecordCall = await runtime(
      { taskQueue: 'missing-step', workflowModules: fixtureSetup().workflowModules },
      { workflows: fixtureRegistry.workflows, steps: fixtureSteps.filter((step) => step !== recordCall) },
    );
    const error = await rejectionOf(withoutRecordCall.run(echo, { value: 'x', count: 1 }, { id: 'missing-step' }));
    expect(WorkflowFailedError.is(error), String(error)).toBe(true);
    const { cause } = error as WorkflowFailedError;
    expect(cause).toMatchObject({ name: 'StepFailedError', data: { attempts: 1 } });
    expect(cause.message).toContain("The step 'recordCall' is not registered with this runtime");
  });
});

describe('a state larger than one gRPC message', () => {
  test('getState() reads it whole while the execution runs and after its end', async () => {
    const large = await runtime(
      { taskQueue: 'large-state', workflowModules: [fixture('large-state.ts')] },
      { workflows: [largeState] },
    );
    const keys = 6;
    const bytes = 900_000;
    const handle = await large.start(largeState, { keys, bytes }, { id: 'large-state' });
    await vi.waitFor(async () => expect(await handle.getState('phase')).toBe('waiting'), { timeout: 20_000 });
    const lengths = (state: unknown) => Object.values(state as Record<string, string>).map((value) => value.length);
    expect(lengths(await handle.getState())).toEqual([...Array(keys).fill(bytes), 'waiting'.length]);
    await handle.resolvePromise('done', true);
    await expect(handle.result()).resolves.toBe('ok');
    expect(lengths(await handle.getState())).toEqual([...Array(keys).fill(bytes), 'waiting'.length]);
    expect(((await handle.getState('k0')) as string).length).toBe(bytes);
  });
});

describe('a configured payload limit', () => {
  test('maxPayloadBytes applies inside the workflow sandbox and to step results, not only at the client', async () => {
    const { registry, workflowModules } = fixtureSetup();
    const small = await runtime({ taskQueue: 'small-payloads', workflowModules, maxPayloadBytes: 1_000 }, registry);
    const id = 'small-payloads';
    const result = await small.run(overLimitInside, { bytes: 2_000, selfId: id }, { id });
    expect(result.state).toMatchObject({ ok: false, error: { name: 'PayloadTooLargeError' } });
    expect(result.send).toMatchObject({ ok: false, error: { name: 'PayloadTooLargeError' } });
    expect(result.step).toMatchObject({
      ok: false,
      error: { name: 'StepFailedError', attempts: 1, cause: { name: 'PayloadTooLargeError' } },
    });
  });
});

describe('through core', () => {
  test("createRuntime({ backend: 'temporal' }) loads this adapter and runs on the configured task queue", async () => {
    const { registry, workflowModules } = fixtureSetup();
    const viaCore = await createRuntime(
      { backend: 'temporal', address: server.address, taskQueue: 'via-core', workflowModules: [...workflowModules] },
      registry,
    );
    runtimes.push(viaCore);
    expect(viaCore.backend).toBe('temporal');
    await expect(viaCore.run(echo, { value: 'core', count: 7 }, { id: 'via-core' })).resolves.toEqual({
      value: 'core',
      count: 7,
    });
  });
});
