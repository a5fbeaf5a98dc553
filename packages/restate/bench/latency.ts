/**
 * Start-to-result latency of one workflow with one step: through the adapter (`runtime.run`), and through a
 * hand-written native Restate workflow doing the same (one `ctx.run`), in the same run against one Restate server
 * (both endpoints served by this process). Not a test.
 *
 * Run (needs the built packages):
 *   cd packages/restate && pnpm exec tsc -b && node bench/latency.ts [iterations]
 */
import { createServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { defineStep, defineWorkflow } from '@durable-runtime/core';
import { createRestateRuntime } from '@durable-runtime/restate';
import { startRestateServer } from '@durable-runtime/restate/testing';
import * as restate from '@restatedev/restate-sdk';
import { connect } from '@restatedev/restate-sdk-clients';

const iterations = Number(process.argv[2] ?? 300);
const warmup = 30;

const addOne = defineStep('addOne', async (n: number) => n + 1);
const oneStep = defineWorkflow({
  name: 'oneStep',
  async run(ctx, n: number) {
    return ctx.run(addOne, n);
  },
});

const nativeOneStep = restate.workflow({
  name: 'NativeOneStep',
  handlers: {
    run: async (ctx: restate.WorkflowContext, n: number) => ctx.run('addOne', async () => n + 1),
  },
});

const server = await startRestateServer();
const nativeServer = createServer(
  restate
    .endpoint()
    .bind(nativeOneStep)
    .setLogger(() => undefined)
    .http2Handler(),
);
try {
  const runtime = await createRestateRuntime(
    { ingressUrl: server.ingressUrl, adminUrl: server.adminUrl, endpointPort: 0, logLevel: 'error' },
    { workflows: [oneStep], steps: [addOne] },
  );
  await new Promise<void>((resolve) => nativeServer.listen(0, '127.0.0.1', resolve));
  const nativePort = (nativeServer.address() as AddressInfo).port;
  const registered = await fetch(`${server.adminUrl}/deployments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uri: `http://127.0.0.1:${nativePort}`, force: true }),
  });
  if (!registered.ok) throw new Error(`native registration failed: ${registered.status} ${await registered.text()}`);
  const ingress = connect({ url: server.ingressUrl });

  const adapter: number[] = [];
  const nativeCall: number[] = [];
  const nativeSubmitAttach: number[] = [];
  for (let i = 0; i < warmup + iterations; i++) {
    const a = await timed(() => runtime.run(oneStep, i, { id: `adapter-${i}` }));
    const b = await timed(() =>
      ingress.call<number, number>({ service: 'NativeOneStep', handler: 'run', key: `native-call-${i}`, parameter: i }),
    );
    const c = await timed(async () => {
      const client = ingress.workflowClient(nativeOneStep, `native-submit-${i}`);
      await client.workflowSubmit(i);
      return client.workflowAttach();
    });
    if (a.value !== b.value || b.value !== c.value)
      throw new Error(`results differ: ${a.value}, ${b.value}, ${c.value}`);
    if (i >= warmup) {
      adapter.push(a.ms);
      nativeCall.push(b.ms);
      nativeSubmitAttach.push(c.ms);
    }
  }
  const report = {
    iterations,
    adapter: stats(adapter),
    nativeCall: stats(nativeCall),
    nativeSubmitAttach: stats(nativeSubmitAttach),
    ratioToNativeCall: {
      median: ratio(stats(adapter).median, stats(nativeCall).median),
      p99: ratio(stats(adapter).p99, stats(nativeCall).p99),
    },
    ratioToNativeSubmitAttach: {
      median: ratio(stats(adapter).median, stats(nativeSubmitAttach).median),
      p99: ratio(stats(adapter).p99, stats(nativeSubmitAttach).p99),
    },
  };
  console.log(JSON.stringify(report, null, 2));
  await runtime.close();
} finally {
  await new Promise((resolve) => nativeServer.close(resolve));
  await server.stop();
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { median: round(at(0.5)), p99: round(at(0.99)), min: round(sorted[0] ?? Number.NaN) };
}

function ratio(a: number, b: number): number {
  return Math.round((a / b) * 100) / 100;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
