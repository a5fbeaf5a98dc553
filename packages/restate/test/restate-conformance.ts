import { type ConformanceOptions, runConformance } from '@durable-runtime/conformance';
import type { RegistryInput, Runtime } from '@durable-runtime/core';
import { createRestateRuntime, restateCapabilities } from '@durable-runtime/restate';
import { freePorts, type RestateTestServer, startRestateServer } from '@durable-runtime/restate/testing';
import { afterAll, beforeAll } from 'vitest';

/** What a conformance file gets back: its server and a way to open more runtimes on it. */
export interface RestateSuite {
  server(): RestateTestServer;
  runtimeOn(registry: RegistryInput): Promise<Runtime>;
  /** A client-only runtime (`worker: false`) on the same server. */
  clientOn(registry: RegistryInput): Promise<Runtime>;
}

/**
 * Runs the conformance suite on a Restate server started for this test file (with extra server `env`). One endpoint
 * port serves the whole file: executions stay bound to the deployment (URL) they started on, so every group and
 * every restart serves the same port. A runtime asked for while a worker of this file is open (one port, one
 * worker) is a client-only runtime: that worker runs its executions.
 */
export function runRestateConformance(name: string, env: Record<string, string> = {}): RestateSuite {
  let server: RestateTestServer | undefined;
  let endpointPort: number;
  let openWorkers = 0;
  const counted = (runtime: Runtime): Runtime => {
    openWorkers++;
    let closing: Promise<void> | undefined;
    const close = runtime.close.bind(runtime);
    return Object.assign(runtime, {
      close: () => {
        if (!closing) {
          closing = close();
          openWorkers--;
        }
        return closing;
      },
    });
  };
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
    runtimeOn: async (registry) =>
      counted(
        await createRestateRuntime(
          { ingressUrl: suite.server().ingressUrl, adminUrl: suite.server().adminUrl, endpointPort, logLevel: 'error' },
          registry,
        ),
      ),
    clientOn: (registry) =>
      createRestateRuntime(
        { ingressUrl: suite.server().ingressUrl, adminUrl: suite.server().adminUrl, worker: false, logLevel: 'error' },
        registry,
      ),
  };
  const options: ConformanceOptions = {
    name,
    capabilities: restateCapabilities,
    createRuntime: ({ registry }) => (openWorkers > 0 ? suite.clientOn(registry) : suite.runtimeOn(registry)),
    async restart(runtime, { registry }) {
      await runtime.close();
      return suite.runtimeOn(registry);
    },
    createClient: ({ registry }) => suite.clientOn(registry),
  };
  runConformance(options);
  return suite;
}
