import { fileURLToPath } from 'node:url';
import {
  type CrashCertificationOptions,
  crashRegistry,
  requireBuilt,
  runCrashCampaign,
  runCrashCertification,
} from '@durable-runtime/conformance/crash';
import { createRestateRuntime } from '@durable-runtime/restate';
import { freePorts, type RestateTestServer, startRestateServer } from '@durable-runtime/restate/testing';
import { afterAll, beforeAll } from 'vitest';

// The worker processes run the built packages: fail loudly when they are not built.
requireBuilt(new URL('../dist/index.js', import.meta.url));

let server: RestateTestServer;
// Both workers serve the same endpoint URL: the execution stays bound to the deployment it started on.
let endpointPort: number;

beforeAll(async () => {
  server = await startRestateServer();
  [endpointPort] = (await freePorts(1)) as [number];
});
afterAll(async () => {
  await server?.stop();
});

const crash: CrashCertificationOptions = {
  name: 'restate',
  workerModule: fileURLToPath(new URL('./crash-worker.mjs', import.meta.url)),
  env: () => ({
    DURABLE_BACKEND: 'restate',
    RESTATE_INGRESS_URL: server.ingressUrl,
    RESTATE_ADMIN_URL: server.adminUrl,
    RESTATE_ENDPOINT_PORT: String(endpointPort),
  }),
  // This process serves no endpoint: the steps must run in the worker processes the harness starts and kills.
  createClient: () =>
    createRestateRuntime({ ingressUrl: server.ingressUrl, adminUrl: server.adminUrl, worker: false }, crashRegistry),
};

runCrashCertification(crash);
// Random kills at any moment: DURABLE_CAMPAIGN_KILLS (10 by default; `pnpm certify` runs 100).
runCrashCampaign(crash);
