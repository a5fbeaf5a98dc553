import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendName } from '@durable-runtime/core';
import type { Connection as TemporalConnection } from '@temporalio/client';

/** A built-in backend, or one an adapter package adds (`sqlite`). */
export type ExampleBackendName = BackendName | 'sqlite';

/** One engine started for a test file: what an application deployed on it would see. */
export interface RunningEngine {
  readonly backend: ExampleBackendName;
  /**
   * True when executions live in the engine, outside the test process: another runtime on the same settings (for
   * example a client-only one with `DURABLE_WORKER=false`) sees them. False for in-process engines.
   */
  readonly shared: boolean;
  /**
   * The environment of an application running on this engine: `DURABLE_BACKEND` and the engine's own variables, as
   * `loadConfig(process.env)` reads them in production.
   * @param workflowModule absolute path of the example's workflows module (engines that bundle workflow code need it)
   */
  env(workflowModule: string): Record<string, string>;
  /** How many events the engine recorded for one execution; `undefined` when the engine does not expose it. */
  historyLength(executionId: string): Promise<number | undefined>;
  /** The engine's recent output, for failure messages. */
  output(): string;
  /** Stops what `start` started. Idempotent. */
  stop(): Promise<void>;
}

/** A backend the examples run on, and how a test starts its engine (loopback, free ports, throwaway data). */
export interface ExampleBackend {
  readonly name: ExampleBackendName;
  /** The adapter package `createRuntime` loads for this backend. */
  readonly adapter: string;
  /** @param runId unique per test run: keeps task queues and ids of different runs apart */
  start(runId: string): Promise<RunningEngine>;
}

/** An engine that runs inside the test process: nothing to start or stop. */
function inProcess(backend: BackendName): RunningEngine {
  return {
    backend,
    shared: false,
    env: () => ({ DURABLE_BACKEND: backend }),
    historyLength: async () => undefined,
    output: () => '',
    stop: async () => {},
  };
}

/** Local mode: the in-process memory engine. */
export const memoryBackend: ExampleBackend = {
  name: 'memory',
  adapter: '@durable-runtime/memory',
  start: async () => inProcess('memory'),
};

/** A Temporal dev server (the CLI from scripts/provision/temporal.sh) on 127.0.0.1. */
export const temporalBackend: ExampleBackend = {
  name: 'temporal',
  adapter: '@durable-runtime/temporal',
  async start(runId) {
    const { startTemporalDevServer } = await import('@durable-runtime/temporal/testing');
    const { Client, Connection } = await import('@temporalio/client');
    const server = await startTemporalDevServer();
    let connection: TemporalConnection | undefined;
    return {
      backend: 'temporal',
      shared: true,
      env: (workflowModule) => ({
        DURABLE_BACKEND: 'temporal',
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_TASK_QUEUE: `examples-${runId}`,
        TEMPORAL_WORKFLOW_MODULES: workflowModule,
      }),
      async historyLength(executionId) {
        connection ??= await Connection.connect({ address: server.address });
        const history = await new Client({ connection }).workflow.getHandle(executionId).fetchHistory();
        return history.events?.length ?? 0;
      },
      output: () => server.output(),
      async stop() {
        await connection?.close();
        await server.stop();
      },
    };
  },
};

/** What `@durable-runtime/restate/testing` offers (typed here: the adapter may not be built when this is checked). */
interface RestateTesting {
  startRestateServer(): Promise<{ ingressUrl: string; adminUrl: string; output(): string; stop(): Promise<void> }>;
}

/** A Restate server (the binary of the npm package `@restatedev/restate-server`) on 127.0.0.1. */
export const restateBackend: ExampleBackend = {
  name: 'restate',
  adapter: '@durable-runtime/restate',
  async start() {
    const testing = '@durable-runtime/restate/testing';
    const { startRestateServer } = (await import(/* @vite-ignore */ testing)) as RestateTesting;
    const server = await startRestateServer();
    return {
      backend: 'restate',
      shared: true,
      env: () => ({
        DURABLE_BACKEND: 'restate',
        RESTATE_INGRESS_URL: server.ingressUrl,
        RESTATE_ADMIN_URL: server.adminUrl,
        RESTATE_ENDPOINT_PORT: '0', // each runtime serves its endpoint on a free port
      }),
      historyLength: async () => undefined,
      output: () => server.output(),
      stop: () => server.stop(),
    };
  },
};

/** Resonate in local mode (neither `RESONATE_URL` nor `RESONATE_POSTGRES_URL`): the SDK's in-process store. */
export const resonateBackend: ExampleBackend = {
  name: 'resonate',
  adapter: '@durable-runtime/resonate',
  start: async () => inProcess('resonate'),
};

/** The SQLite engine on a throwaway file: shared, since every runtime on the same file sees its executions. */
export const sqliteBackend: ExampleBackend = {
  name: 'sqlite',
  adapter: '@durable-runtime/sqlite',
  async start() {
    const dir = mkdtempSync(join(tmpdir(), 'durable-example-sqlite-'));
    return {
      backend: 'sqlite',
      shared: true,
      env: () => ({ DURABLE_BACKEND: 'sqlite', DURABLE_SQLITE_PATH: join(dir, 'durable.sqlite') }),
      historyLength: async () => undefined,
      output: () => '',
      stop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

/**
 * Every backend each example's test runs on, in this order: all five, unconditionally. Adding an engine is one entry
 * here. A backend whose adapter does not load or whose engine fails fails the tests (each block also checks that its
 * adapter exports `createBackend`): an example never loses a backend without a red test.
 */
export const EXAMPLE_BACKENDS: readonly ExampleBackend[] = [
  memoryBackend,
  temporalBackend,
  restateBackend,
  resonateBackend,
  sqliteBackend,
];
