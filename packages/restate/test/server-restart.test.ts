import { defineStep, defineWorkflow } from '@durable-runtime/core';
import { createRestateRuntime, type RestateRuntime } from '@durable-runtime/restate';
import { type RestateTestServer, startRestateServer } from '@durable-runtime/restate/testing';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';

const runs: string[] = [];
const mark = defineStep('mark', async (args: { tag: string }) => {
  runs.push(args.tag);
  return args.tag;
});

const napper = defineWorkflow({
  name: 'napper',
  async run(ctx, input: { ms: number }) {
    const before = await ctx.run(mark, { tag: 'before' });
    await ctx.state.set('phase', 'sleeping');
    await ctx.sleep(input.ms);
    const after = await ctx.run(mark, { tag: 'after' });
    await ctx.state.set('phase', 'awake');
    return [before, after];
  },
});

let server: RestateTestServer;
let runtime: RestateRuntime;

beforeAll(async () => {
  server = await startRestateServer();
  runtime = await createRestateRuntime(
    { ingressUrl: server.ingressUrl, adminUrl: server.adminUrl, endpointPort: 0, logLevel: 'error' },
    { workflows: [napper], steps: [mark] },
  );
});
afterAll(async () => {
  await runtime?.close();
  await server?.stop();
});

test('a Restate server restart (same data directory) in the middle of a sleep: the execution completes', async () => {
  const sleepMs = 5_000;
  const started = Date.now();
  const handle = await runtime.start(napper, { ms: sleepMs }, { id: `napper-${started.toString(36)}` });
  await vi.waitFor(async () => expect(await handle.getState('phase')).toBe('sleeping'), { timeout: 20_000 });
  const pidBefore = server.pid;
  await server.restart();
  expect(server.pid).not.toBe(pidBefore);
  expect(Date.now() - started).toBeLessThan(sleepMs);

  await expect(handle.result()).resolves.toEqual(['before', 'after']);
  expect(Date.now() - started).toBeGreaterThanOrEqual(sleepMs);
  expect(runs).toEqual(['before', 'after']);
  expect(await handle.status()).toBe('completed');
  expect(await handle.getState('phase')).toBe('awake');
});
