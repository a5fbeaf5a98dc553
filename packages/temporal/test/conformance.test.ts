import { runConformance } from '@durable-runtime/conformance';
import type { Runtime } from '@durable-runtime/core';
import { createTemporalRuntime, temporalCapabilities } from '@durable-runtime/temporal';
import { startTemporalDevServer, type TemporalDevServer } from '@durable-runtime/temporal/testing';
import { afterAll, beforeAll } from 'vitest';

let server: TemporalDevServer;
beforeAll(async () => {
  server = await startTemporalDevServer();
});
afterAll(async () => {
  await server?.stop();
});

// Each group gets its own task queue; a restart keeps the queue of the runtime it replaces.
const taskQueues = new WeakMap<Runtime, string>();
let groups = 0;

async function runtimeOn(
  taskQueue: string,
  workflowModules: readonly string[],
  registry: Parameters<typeof createTemporalRuntime>[1],
) {
  const runtime = await createTemporalRuntime(
    { address: server.address, taskQueue, workflowModules, bundleConditions: ['source'], logLevel: 'ERROR' },
    registry,
  );
  taskQueues.set(runtime, taskQueue);
  return runtime;
}

runConformance({
  name: 'temporal',
  capabilities: temporalCapabilities,
  createRuntime: ({ registry, workflowModules }) => runtimeOn(`conformance-${++groups}`, workflowModules, registry),
  async createClient({ registry }, closed) {
    const taskQueue = taskQueues.get(closed) ?? `conformance-${++groups}`;
    return createTemporalRuntime({ address: server.address, taskQueue, worker: false, logLevel: 'ERROR' }, registry);
  },
  async restart(runtime, { registry, workflowModules }) {
    const taskQueue = taskQueues.get(runtime) ?? `conformance-${++groups}`;
    await runtime.close();
    return runtimeOn(taskQueue, workflowModules, registry);
  },
});
