import { runConformance } from '@durable-runtime/conformance';
import type { RegistryInput, Runtime } from '@durable-runtime/core';
import { createRestateRuntime, restateCapabilities } from '@durable-runtime/restate';
import { freePorts, type RestateTestServer, startRestateServer } from '@durable-runtime/restate/testing';
import { afterAll, beforeAll } from 'vitest';

/** What a conformance file gets back: its server and a way to open more runtimes on it. */
export interface RestateSuite {
  server(): RestateTestServer;
  runtimeOn(registry: RegistryInput): Promise<Runtime>;
}

/**
 * Runs the conformance suite on a Restate server started for this test file (with extra server `env`). One endpoint
 * port serves the whole file: executions stay bound to the deployment (URL) they started on, so every group and
 * every restart serves the same port.
 */
export function runRestateConformance(name: string, env: Record<string, string> = {}): RestateSuite {
  let server: RestateTestServer | undefined;
  let endpointPort: number;
  beforeAll(async () => {
    server = await startRestateServer({ env });
    [endpointPort] = (await freePorts(1)) as [number];
  });
  afterAll(async () => {
    await server?.stop();
  });
  const suite: RestateSuite = {
    server() {
      if (!server) throw new Error('the Restate server is not started yet');
      return server;
    },
    runtimeOn: (registry) =>
      createRestateRuntime(
        { ingressUrl: suite.server().ingressUrl, adminUrl: suite.server().adminUrl, endpointPort, logLevel: 'error' },
        registry,
      ),
  };
  runConformance({
    name,
    capabilities: restateCapabilities,
    createRuntime: ({ registry }) => suite.runtimeOn(registry),
    async restart(runtime, { registry }) {
      await runtime.close();
      return suite.runtimeOn(registry);
    },
  });
  return suite;
}
