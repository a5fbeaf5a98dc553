import { runConformance } from '@durable-runtime/conformance';
import type { RegistryInput } from '@durable-runtime/core';
import { createRestateRuntime, restateCapabilities } from '@durable-runtime/restate';
import { freePorts, type RestateTestServer, startRestateServer } from '@durable-runtime/restate/testing';
import { afterAll, beforeAll } from 'vitest';

let server: RestateTestServer;
// One endpoint URL for the whole file: executions stay bound to the deployment (URL) they started on, so every group
// and every restart serves the same port.
let endpointPort: number;

beforeAll(async () => {
  server = await startRestateServer();
  [endpointPort] = (await freePorts(1)) as [number];
});
afterAll(async () => {
  await server?.stop();
});

const runtimeOn = (registry: RegistryInput) =>
  createRestateRuntime(
    { ingressUrl: server.ingressUrl, adminUrl: server.adminUrl, endpointPort, logLevel: 'error' },
    registry,
  );

runConformance({
  name: 'restate',
  capabilities: restateCapabilities,
  createRuntime: ({ registry }) => runtimeOn(registry),
  async restart(runtime, { registry }) {
    await runtime.close();
    return runtimeOn(registry);
  },
});
