import {
  ConfigError,
  createRuntime,
  defineStep,
  defineWorkflow,
  EngineConnectionError,
  ExecutionNotFoundError,
  loadConfig,
  type RegistryInput,
  ValidationError,
  WorkflowFailedError,
} from '@durable-runtime/core';
import { createRestateRuntime, type RestateRuntimeOptions } from '@durable-runtime/restate';
import { freePorts, type RestateTestServer, startRestateServer } from '@durable-runtime/restate/testing';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';

const echoStep = defineStep('echoStep', async (args: { text: string }) => args.text.toUpperCase());

const shout = defineWorkflow({
  name: 'shout',
  async run(ctx, input: { text: string }) {
    await ctx.state.set('phase', 'running');
    return ctx.run(echoStep, { text: input.text });
  },
});

const other = defineWorkflow({
  name: 'other',
  async run(_ctx, _input: Record<string, never>) {
    return 'other';
  },
});

const child = defineWorkflow({
  name: 'lateChild',
  async run(ctx, _input: Record<string, never>) {
    return (await ctx.now()).getTime();
  },
});

/** Starts a child with a long delay and returns its id at once. */
const delayer = defineWorkflow({
  name: 'delayer',
  async run(ctx, input: { childId: string }) {
    const started = await ctx.start(child, {}, { id: input.childId, delay: '1h' });
    return started.id;
  },
});

/** Calls a child by id and reports how the call ended. */
const caller = defineWorkflow({
  name: 'caller',
  async run(ctx, input: { childId: string }) {
    await ctx.state.set('phase', 'calling');
    try {
      return { value: await ctx.call(child, {}, { id: input.childId }) };
    } catch (error) {
      return { error: (error as Error).name, cause: (error as WorkflowFailedError).cause?.name };
    }
  },
});

/** Catches the cancellation of its first wait and waits again: the second wait is interrupted too. */
const stubborn = defineWorkflow({
  name: 'stubborn',
  async run(ctx, _input: Record<string, never>) {
    await ctx.state.set('phase', 'waiting');
    try {
      await ctx.promise('never');
    } catch (error) {
      await ctx.state.set('caught', (error as Error).name);
    }
    await ctx.sleep('1h');
    return 'slept';
  },
});

/**
 * Issues its second wait while the first is already awaited (after a timer, which workflow code does not normally
 * await): a cancellation must interrupt the second wait too.
 */
const latecomer = defineWorkflow({
  name: 'latecomer',
  async run(ctx, _input: Record<string, never>) {
    await ctx.state.set('phase', 'waiting');
    const first = ctx.promise('first').catch((error: Error) => error.name);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = ctx.promise('second');
    await first;
    return second;
  },
});

/** Returns the first message of its inbox. */
const listener = defineWorkflow({
  name: 'listener',
  async run(ctx, _input: Record<string, never>) {
    return ctx.receive<string>('inbox');
  },
});

/** Sleeps, then answers. */
const napper = defineWorkflow({
  name: 'napper',
  async run(ctx, input: { ms: number }) {
    await ctx.sleep(input.ms);
    return 'rested';
  },
});

/** Takes a message, then waits for a promise. */
const patient = defineWorkflow({
  name: 'patient',
  async run(ctx, _input: Record<string, never>) {
    await ctx.state.set('phase', 'waiting');
    const message = await ctx.receive<string>('inbox');
    const go = await ctx.promise<string>('go');
    return { message, go };
  },
});

const registry: RegistryInput = {
  workflows: [shout, other, child, delayer, caller, stubborn, latecomer, listener, napper, patient],
  steps: [echoStep],
};

let server: RestateTestServer;
beforeAll(async () => {
  server = await startRestateServer();
});
afterAll(async () => {
  await server?.stop();
});

const base = (): RestateRuntimeOptions => ({
  ingressUrl: server.ingressUrl,
  adminUrl: server.adminUrl,
  endpointPort: 0,
  logLevel: 'error',
});
const uniqueId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

describe('restate adapter', () => {
  test("core's createRuntime loads the adapter from the configuration", async () => {
    const runtime = await createRuntime(
      { backend: 'restate', ingressUrl: server.ingressUrl, adminUrl: server.adminUrl, endpointPort: 0 },
      registry,
    );
    try {
      expect(runtime.backend).toBe('restate');
      await expect(runtime.run(shout, { text: 'hi' }, { id: uniqueId('config') })).resolves.toBe('HI');
    } finally {
      await runtime.close();
    }
  });

  test('a client-only runtime (DURABLE_WORKER=false) registers nothing and drives executions that a worker runs', async () => {
    const deployments = async () =>
      ((await (await fetch(`${server.adminUrl}/deployments`)).json()) as { deployments: unknown[] }).deployments.length;
    const worker = await createRestateRuntime(base(), registry);
    const before = await deployments();
    const env = {
      DURABLE_BACKEND: 'restate',
      RESTATE_INGRESS_URL: server.ingressUrl,
      RESTATE_ADMIN_URL: server.adminUrl,
      DURABLE_WORKER: 'false',
    };
    const client = await createRuntime(loadConfig(env), registry);
    try {
      expect(await deployments()).toBe(before);
      const id = uniqueId('client-only');
      const handle = await client.start(shout, { text: 'from client' }, { id });
      await expect(handle.result()).resolves.toBe('FROM CLIENT');
      expect(await client.handle(shout, id).getState('phase')).toBe('running');
      expect(await worker.handle(shout, id).status()).toBe('completed');
    } finally {
      await client.close();
      await worker.close();
    }
  });

  test('an id belongs to one workflow: starting it as another is a ValidationError, a handle of another is not found', async () => {
    const runtime = await createRestateRuntime(base(), registry);
    try {
      const id = uniqueId('owned');
      await runtime.run(shout, { text: 'a' }, { id });
      const error = await runtime.start(other, {}, { id }).catch((e: unknown) => e);
      expect(ValidationError.is(error), String(error)).toBe(true);
      expect((error as Error).message).toContain("already belongs to workflow 'shout'");
      const wrong = await runtime
        .handle(other, id)
        .status()
        .catch((e: unknown) => e);
      expect(ExecutionNotFoundError.is(wrong), String(wrong)).toBe(true);
    } finally {
      await runtime.close();
    }
  });

  test('a delayed child is running before it starts; cancelling it then ends it cancelled, also for a caller', async () => {
    const runtime = await createRestateRuntime(base(), registry);
    try {
      const childId = uniqueId('late-child');
      await expect(runtime.run(delayer, { childId }, { id: uniqueId('delayer') })).resolves.toBe(childId);
      const handle = runtime.handle(child, childId);
      expect(await handle.status()).toBe('running');
      const waiting = await runtime.start(caller, { childId }, { id: uniqueId('caller') });
      await vi.waitFor(async () => expect(await waiting.getState('phase')).toBe('calling'), { timeout: 20_000 });
      await handle.cancel();
      await expect(waiting.result()).resolves.toEqual({ error: 'WorkflowFailedError', cause: 'CancelledError' });
      const error = await handle.result().catch((e: unknown) => e);
      expect(WorkflowFailedError.is(error), String(error)).toBe(true);
      expect((error as WorkflowFailedError).cause.name).toBe('CancelledError');
      expect(await handle.status()).toBe('cancelled');
    } finally {
      await runtime.close();
    }
  });

  test('after a cancellation, every later wait is interrupted too', async () => {
    const runtime = await createRestateRuntime(base(), registry);
    try {
      const handle = await runtime.start(stubborn, {}, { id: uniqueId('stubborn') });
      await vi.waitFor(async () => expect(await handle.getState('phase')).toBe('waiting'), { timeout: 20_000 });
      await handle.cancel();
      const error = await handle.result().catch((e: unknown) => e);
      expect((error as WorkflowFailedError).cause?.name).toBe('CancelledError');
      expect(await handle.getState('caught')).toBe('CancelledError');
      expect(await handle.status()).toBe('cancelled');
    } finally {
      await runtime.close();
    }
  });

  test('a cancellation interrupts a wait issued while another wait was being awaited', async () => {
    const runtime = await createRestateRuntime(base(), registry);
    try {
      const handle = await runtime.start(latecomer, {}, { id: uniqueId('latecomer') });
      await vi.waitFor(async () => expect(await handle.getState('phase')).toBe('waiting'), { timeout: 20_000 });
      await new Promise((resolve) => setTimeout(resolve, 300)); // the second wait is issued 20 ms after the first
      await handle.cancel();
      const error = await handle.result().catch((e: unknown) => e);
      expect((error as WorkflowFailedError).cause?.name).toBe('CancelledError');
      expect(await handle.status()).toBe('cancelled');
    } finally {
      await runtime.close();
    }
  });
});

const pause = defineStep('pause', async (args: { ms: number; tag: string }) => {
  await new Promise((resolve) => setTimeout(resolve, args.ms));
  return args.tag;
});

/** Concurrent branches whose steps finish in another order than they started, then a wait (a restart point). */
const fanOut = defineWorkflow({
  name: 'fanOut',
  async run(ctx, _input: Record<string, never>) {
    const branch = async (name: string, ms: number) => {
      const first = await ctx.run(pause, { ms, tag: `${name}1` });
      const second = await ctx.run(pause, { ms: 1, tag: `${name}2` });
      return `${first}+${second}`;
    };
    const results = await Promise.all([branch('a', 150), branch('b', 10), branch('c', 60)]);
    await ctx.state.set('phase', 'waiting');
    await ctx.promise('go');
    return results;
  },
});

/** Races a promise against a sleep (the loser stays pending), then goes on with more waits. */
const deadline = defineWorkflow({
  name: 'deadline',
  async run(ctx, _input: Record<string, never>) {
    const first = await Promise.race([ctx.promise<string>('answer'), ctx.sleep(100).then(() => 'too late')]);
    const echoed = await ctx.run(pause, { ms: 1, tag: first });
    await ctx.state.set('phase', 'waiting');
    const second = await ctx.promise<string>('second');
    return [echoed, second];
  },
});

/** What the attempts of `held` saw: their executions, and the reason of an abort of their signal. */
const heldAttempts = new Map<string, string>();

/** Runs until its signal aborts (or 60 s), recording the abort. */
const held = defineStep('held', async (_args: Record<string, never>, info) => {
  heldAttempts.set(info.executionId, 'running');
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 60_000);
    info.signal.addEventListener('abort', () => {
      heldAttempts.set(info.executionId, `aborted: ${(info.signal.reason as Error).name}`);
      clearTimeout(timer);
      resolve();
    });
  });
  return 'held';
});

/** Races a step that runs until it is cancelled against a promise and a receive; then takes three messages at once. */
const contender = defineWorkflow({
  name: 'contender',
  async run(ctx, _input: Record<string, never>) {
    const receives = [
      ctx.receive<string>('in'),
      ctx.receive<string>('in', { timeout: '1h' }),
      ctx.receive<string>('in'),
    ].map((received) => received.catch((error: Error) => error.name));
    await ctx.state.set('phase', 'racing');
    const first = await Promise.race([ctx.run(held, {}), ctx.promise<string>('answer')]);
    return [first, ...(await Promise.all(receives))];
  },
});

/** Races a step of the given argument against a promise, then waits (a restart point). */
const racedEcho = (text: string) =>
  defineWorkflow({
    name: 'racedEcho',
    async run(ctx, _input: Record<string, never>) {
      const first = await Promise.race([ctx.run(echoStep, { text }), ctx.promise<string>('never')]);
      await ctx.state.set('phase', 'waiting');
      return [first, await ctx.promise<string>('go')];
    },
  });

/** Where Node's `fetch` finds its dispatcher (the global one that undici's `setGlobalDispatcher` sets). */
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

describe("an execution that outlasts the HTTP client's response timeout", () => {
  test('result() attaches again after the timeout and returns the output', async () => {
    const runtime = await createRestateRuntime(base(), registry);
    const globals = globalThis as Record<symbol, unknown>;
    const previous = globals[GLOBAL_DISPATCHER];
    // Node's fetch gives up after 300 s without response headers; here after 300 ms, so the attach times out 4 times.
    const impatient = new Agent({ headersTimeout: 300 });
    globals[GLOBAL_DISPATCHER] = impatient;
    try {
      const handle = await runtime.start(napper, { ms: 1_500 }, { id: uniqueId('napper') });
      await expect(handle.result()).resolves.toBe('rested');
    } finally {
      globals[GLOBAL_DISPATCHER] = previous;
      await impatient.close();
      await runtime.close();
    }
  });
});

describe('concurrent waits in workflow code', () => {
  test('Promise.race of a promise and a sleep: the loser stays pending and later waits still work, also after a restart', async () => {
    const [endpointPort] = (await freePorts(1)) as [number];
    const options = { ...base(), endpointPort };
    const first = await createRestateRuntime(options, { workflows: [deadline], steps: [pause] });
    const id = uniqueId('deadline');
    const handle = await first.start(deadline, {}, { id });
    await vi.waitFor(async () => expect(await handle.getState('phase')).toBe('waiting'), { timeout: 20_000 });
    await first.close();
    const second = await createRestateRuntime(options, { workflows: [deadline], steps: [pause] });
    try {
      await second.handle(deadline, id).resolvePromise('second', 'two');
      await expect(second.handle(deadline, id).result()).resolves.toEqual(['too late', 'two']);
    } finally {
      await second.close();
    }
  });

  test('branches whose steps completed out of order replay without a false non-determinism error', async () => {
    const [endpointPort] = (await freePorts(1)) as [number];
    const options = { ...base(), endpointPort };
    const first = await createRestateRuntime(options, { workflows: [fanOut], steps: [pause] });
    const id = uniqueId('fan-out');
    const handle = await first.start(fanOut, {}, { id });
    await vi.waitFor(async () => expect(await handle.getState('phase')).toBe('waiting'), { timeout: 20_000 });
    await first.close();
    const second = await createRestateRuntime(options, { workflows: [fanOut], steps: [pause] });
    try {
      const resumed = second.handle(fanOut, id);
      await resumed.resolvePromise('go', true);
      await expect(resumed.result()).resolves.toEqual(['a1+a2', 'b1+b2', 'c1+c2']);
    } finally {
      await second.close();
    }
  });
});

describe('concurrent steps and receives', () => {
  test('a step raced against other waits runs beside them: a cancellation aborts its signal and ends the execution cancelled', async () => {
    const runtime = await createRestateRuntime(base(), { workflows: [contender], steps: [held] });
    try {
      const id = uniqueId('contender');
      const handle = await runtime.start(contender, {}, { id });
      await vi.waitFor(() => expect(heldAttempts.get(id)).toBe('running'), { timeout: 20_000 });
      await handle.cancel();
      const error = await handle.result().catch((e: unknown) => e);
      expect((error as WorkflowFailedError).cause?.name).toBe('CancelledError');
      expect(await handle.status()).toBe('cancelled');
      await vi.waitFor(() => expect(heldAttempts.get(id)).toBe('aborted: CancelledError'), { timeout: 10_000 });
    } finally {
      await runtime.close();
    }
  });

  test('concurrent receives, with and without a timeout, take the messages in the order they were issued', async () => {
    const runtime = await createRestateRuntime(base(), { workflows: [contender], steps: [held] });
    try {
      const id = uniqueId('contender');
      const handle = await runtime.start(contender, {}, { id });
      await vi.waitFor(async () => expect(await handle.getState('phase')).toBe('racing'), { timeout: 20_000 });
      for (const message of ['m1', 'm2', 'm3']) await handle.send('in', message);
      await handle.resolvePromise('answer', 'first');
      await expect(handle.result()).resolves.toEqual(['first', 'm1', 'm2', 'm3']);
    } finally {
      await runtime.close();
    }
  });

  test("a deploy that changes a concurrent step's arguments is accepted: the recorded result is kept", async () => {
    const [endpointPort] = (await freePorts(1)) as [number];
    const options = { ...base(), endpointPort };
    const before = racedEcho('one');
    const first = await createRestateRuntime(options, { workflows: [before], steps: [echoStep] });
    const id = uniqueId('raced-echo');
    const handle = await first.start(before, {}, { id });
    await vi.waitFor(async () => expect(await handle.getState('phase')).toBe('waiting'), { timeout: 20_000 });
    await first.close();
    const after = racedEcho('two');
    const second = await createRestateRuntime(options, { workflows: [after], steps: [echoStep] });
    try {
      await second.handle(after, id).resolvePromise('go', 'go');
      await expect(second.handle(after, id).result()).resolves.toEqual(['ONE', 'go']);
    } finally {
      await second.close();
    }
  });
});

describe('engine failures are typed', () => {
  test('an unreachable server: every call is an EngineConnectionError naming the setting and the address', async () => {
    const [dead] = (await freePorts(1)) as [number];
    const address = `http://127.0.0.1:${dead}`;
    const client = await createRestateRuntime({ ingressUrl: address, adminUrl: address, worker: false }, registry);
    const handle = client.handle(listener, 'nowhere');
    const calls: Array<[string, () => Promise<unknown>, string]> = [
      ['start', () => client.start(listener, {}, { id: 'nowhere' }), 'RESTATE_INGRESS_URL'],
      ['status', () => handle.status(), 'RESTATE_INGRESS_URL'],
      ['result', () => handle.result(), 'RESTATE_INGRESS_URL'],
      ['getState', () => handle.getState('phase'), 'RESTATE_ADMIN_URL'],
      ['resolvePromise', () => handle.resolvePromise('go', 1), 'RESTATE_INGRESS_URL'],
      ['send', () => handle.send('inbox', 1), 'RESTATE_INGRESS_URL'],
      ['cancel', () => handle.cancel(), 'RESTATE_ADMIN_URL'],
    ];
    try {
      for (const [name, call, setting] of calls) {
        const error = await call().catch((e: unknown) => e);
        expect(EngineConnectionError.is(error), `${name}: ${String(error)}`).toBe(true);
        expect((error as Error).message, name).toContain(setting);
        expect((error as Error).message, name).toContain(address);
      }
      const worker = await createRestateRuntime({ ingressUrl: address, adminUrl: address, endpointPort: 0 }, registry)
        .then(() => 'created')
        .catch((e: unknown) => e);
      expect(EngineConnectionError.is(worker), String(worker)).toBe(true);
      expect((worker as Error).message).toContain('RESTATE_ADMIN_URL');
    } finally {
      await client.close();
    }
  });

  test('a busy endpoint port is a ConfigError naming RESTATE_ENDPOINT_PORT', async () => {
    const [endpointPort] = (await freePorts(1)) as [number];
    const first = await createRestateRuntime({ ...base(), endpointPort }, registry);
    try {
      const error = await createRestateRuntime({ ...base(), endpointPort }, registry).catch((e: unknown) => e);
      expect(ConfigError.is(error), String(error)).toBe(true);
      expect((error as Error).message).toContain('RESTATE_ENDPOINT_PORT');
      expect((error as Error).message).toContain(String(endpointPort));
    } finally {
      await first.close();
    }
  });
});

describe('without a worker', () => {
  test('a delivery to a running execution is queued: send is accepted, resolvePromise fails typed within the request timeout; both apply once a worker is back', async () => {
    const [endpointPort] = (await freePorts(1)) as [number];
    const worker = await createRestateRuntime({ ...base(), endpointPort }, registry);
    const id = uniqueId('patient');
    const handle = await worker.start(patient, {}, { id });
    await vi.waitFor(async () => expect(await handle.getState('phase')).toBe('waiting'), { timeout: 20_000 });
    await worker.close();
    const client = await createRestateRuntime({ ...base(), worker: false, requestTimeoutMs: 1_000 }, registry);
    try {
      const waiting = client.handle(patient, id);
      expect(await waiting.status()).toBe('running');
      let started = Date.now();
      await waiting.send('inbox', 'hello');
      expect(Date.now() - started).toBeLessThan(5_000);
      started = Date.now();
      const error = await waiting.resolvePromise('go', 'late').catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(EngineConnectionError.is(error), String(error)).toBe(true);
      expect((error as Error).message).toContain('DURABLE_WORKER');
      expect((error as Error).message).toContain('queued');
      const back = await createRestateRuntime({ ...base(), endpointPort }, registry);
      try {
        await expect(waiting.result()).resolves.toEqual({ message: 'hello', go: 'late' });
      } finally {
        await back.close();
      }
    } finally {
      await client.close();
    }
  });

  test('a run that no worker has begun is running, and its id belongs to its workflow already', async () => {
    const client = await createRestateRuntime({ ...base(), worker: false, requestTimeoutMs: 1_000 }, registry);
    try {
      const id = uniqueId('not-begun');
      // No worker is open (the last deployment registered is one that closed): the run stays pending.
      const handle = await client.start(patient, {}, { id });
      expect(await handle.status()).toBe('running');
      expect(await handle.getState('phase')).toBeUndefined();
      const error = await client.start(other, {}, { id }).catch((e: unknown) => e);
      expect(ValidationError.is(error), String(error)).toBe(true);
      expect((error as Error).message).toContain("already belongs to workflow 'patient'");
      expect(
        ExecutionNotFoundError.is(
          await client
            .handle(other, id)
            .status()
            .catch((e: unknown) => e),
        ),
      ).toBe(true);
      await handle.cancel();
    } finally {
      await client.close();
    }
  });
});

/** Version 1 and 2 of a workflow whose first step changes between deploys. */
const first = defineStep('first', async () => 1);
const renamed = defineStep('renamed', async () => 1);
const driftingV1 = defineWorkflow({
  name: 'drifting',
  async run(ctx, _input: Record<string, never>) {
    await ctx.run(first, {});
    await ctx.state.set('phase', 'waiting');
    return ctx.promise('go');
  },
});
const driftingV2 = defineWorkflow({
  name: 'drifting',
  async run(ctx, _input: Record<string, never>) {
    await ctx.run(renamed, {});
    await ctx.state.set('phase', 'waiting');
    return ctx.promise('go');
  },
});

describe('non-determinism on a server with service protocol v6 (no immediate journal-mismatch failure)', () => {
  let v6: RestateTestServer;
  beforeAll(async () => {
    v6 = await startRestateServer({ env: { RESTATE_EXPERIMENTAL_ENABLE_PROTOCOL_V7: 'false' } });
  });
  afterAll(async () => {
    await v6?.stop();
  });

  test('the mismatch is retried, then the invocation is killed: the execution fails with NonDeterminismError', async () => {
    const [endpointPort] = (await freePorts(1)) as [number];
    const options: RestateRuntimeOptions = {
      ingressUrl: v6.ingressUrl,
      adminUrl: v6.adminUrl,
      endpointPort,
      logLevel: 'silent',
      invocationRetry: { initialIntervalMs: 50, maxIntervalMs: 100, maxAttempts: 4 },
    };
    const v1 = await createRestateRuntime(options, { workflows: [driftingV1], steps: [first] });
    const id = uniqueId('drifting');
    const handle = await v1.start(driftingV1, {}, { id });
    await vi.waitFor(async () => expect(await handle.getState('phase')).toBe('waiting'), { timeout: 20_000 });
    await v1.close();
    const v2 = await createRestateRuntime(options, { workflows: [driftingV2], steps: [renamed] });
    try {
      const resumed = v2.handle(driftingV2, id);
      await resumed.resolvePromise('go', true);
      const error = await resumed.result().catch((e: unknown) => e);
      expect(WorkflowFailedError.is(error), String(error)).toBe(true);
      expect((error as WorkflowFailedError).cause.name).toBe('NonDeterminismError');
      expect((error as WorkflowFailedError).cause.message).toContain('first != renamed');
      expect(await resumed.status()).toBe('failed');
      const sql = `SELECT pinned_service_protocol_version AS protocol FROM sys_invocation WHERE target_service_key = '${id}' AND target_handler_name = 'run'`;
      const response = await fetch(`${v6.adminUrl}/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: sql }),
      });
      expect(((await response.json()) as { rows: unknown[] }).rows).toEqual([{ protocol: 6 }]);
    } finally {
      await v2.close();
    }
  });
});

describe('an execution id reused after its retention ended', () => {
  let purging: RestateTestServer;
  beforeAll(async () => {
    purging = await startRestateServer({ env: { RESTATE_WORKER__CLEANUP_INTERVAL: '1s' } });
  });
  afterAll(async () => {
    await purging?.stop();
  });

  test('is a new execution, whose channels start from the first message again', async () => {
    const runtime = await createRestateRuntime(
      {
        ingressUrl: purging.ingressUrl,
        adminUrl: purging.adminUrl,
        endpointPort: 0,
        logLevel: 'error',
        retentionMs: 1,
      },
      registry,
    );
    try {
      const id = uniqueId('reused');
      const first = await runtime.start(listener, {}, { id });
      await first.send('inbox', 'first');
      await expect(first.result()).resolves.toBe('first');
      await vi.waitFor(async () => expect(ExecutionNotFoundError.is(await first.status().catch((e) => e))).toBe(true), {
        timeout: 20_000,
        interval: 200,
      });
      const second = await runtime.start(listener, {}, { id });
      await second.send('inbox', 'second');
      await expect(second.result()).resolves.toBe('second');
    } finally {
      await runtime.close();
    }
  }, 40_000);
});
