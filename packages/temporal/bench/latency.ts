/**
 * Start-to-result latency of one workflow with three steps: through the adapter, and through a hand-written native
 * Temporal workflow doing the same, in the same run against one dev server; plus the adapter's worker start-up time
 * with a cold and a cached workflow bundle. Not a test.
 *
 * Run (needs the built package and the provisioned CLI):
 *   cd packages/temporal && pnpm exec tsc -b && node bench/latency.ts [iterations]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTemporalRuntime } from '@durable-runtime/temporal';
import { startTemporalDevServer } from '@durable-runtime/temporal/testing';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { first, second, third, threeSteps } from './workflows.ts';

const iterations = Number(process.argv[2] ?? 200);
const warmup = 20;
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const ignore = () => undefined;
const quiet = { log: ignore, trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore };

const server = await startTemporalDevServer();
const cacheDir = mkdtempSync(join(tmpdir(), 'temporal-bench-cache-'));
try {
  const registry = { workflows: [threeSteps], steps: [first, second, third] };
  const options = {
    address: server.address,
    taskQueue: 'bench-adapter',
    workflowModules: [here('./workflows.ts')],
    bundleCacheDir: cacheDir,
    logLevel: 'ERROR' as const,
  };
  // Worker start-up: createTemporalRuntime bundles (cold) or reads the cache (cached), then starts the worker.
  const cold = await timed(() => createTemporalRuntime(options, registry));
  await cold.value.close();
  const cached = await timed(() => createTemporalRuntime(options, registry));
  const runtime = cached.value;

  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const nativeWorker = await Worker.create({
    connection: nativeConnection,
    taskQueue: 'bench-native',
    workflowBundle: await bundleWorkflowCode({ workflowsPath: here('./native-workflows.ts'), logger: quiet }),
    activities: {
      nativeFirst: async (n: number) => n + 1,
      nativeSecond: async (n: number) => n * 2,
      nativeThird: async (n: number) => `result-${n}`,
    },
  });
  const nativeRun = nativeWorker.run();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });

  const adapter: number[] = [];
  const native: number[] = [];
  for (let i = 0; i < warmup + iterations; i++) {
    const a = await timed(() => runtime.run(threeSteps, { n: i }, { id: `adapter-${i}` }));
    const b = await timed(() =>
      client.workflow.execute('nativeThreeSteps', { taskQueue: 'bench-native', workflowId: `native-${i}`, args: [i] }),
    );
    if (a.value !== b.value) throw new Error(`results differ: ${a.value} vs ${b.value}`);
    if (i >= warmup) {
      adapter.push(a.ms);
      native.push(b.ms);
    }
  }

  const report = {
    iterations,
    adapter: stats(adapter),
    native: stats(native),
    ratio: {
      median: ratio(stats(adapter).median, stats(native).median),
      p99: ratio(stats(adapter).p99, stats(native).p99),
    },
    workerStartupMs: { coldBundle: Math.round(cold.ms), cachedBundle: Math.round(cached.ms) },
  };
  console.log(JSON.stringify(report, null, 2));

  nativeWorker.shutdown();
  await nativeRun;
  await nativeConnection.close();
  await connection.close();
  await runtime.close();
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
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
