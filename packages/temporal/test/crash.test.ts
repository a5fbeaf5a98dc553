import { fileURLToPath } from 'node:url';
import {
  type CrashCertificationOptions,
  crashRegistry,
  requireBuilt,
  runCrashCampaign,
  runCrashCertification,
} from '@durable-runtime/conformance/crash';
import { createTemporalRuntime } from '@durable-runtime/temporal';
import { startTemporalDevServer, type TemporalDevServer } from '@durable-runtime/temporal/testing';
import { afterAll, beforeAll } from 'vitest';

// The worker processes run the built packages: fail loudly when they are not built.
requireBuilt(new URL('../dist/index.js', import.meta.url));

let server: TemporalDevServer;
beforeAll(async () => {
  server = await startTemporalDevServer();
});
afterAll(async () => {
  await server?.stop();
});

const taskQueue = 'crash-certification';

const crash: CrashCertificationOptions = {
  name: 'temporal',
  workerModule: fileURLToPath(new URL('./crash-worker.mjs', import.meta.url)),
  env: () => ({ DURABLE_BACKEND: 'temporal', TEMPORAL_ADDRESS: server.address, TEMPORAL_TASK_QUEUE: taskQueue }),
  // This process runs no worker: the steps must run in the worker processes the harness starts and kills.
  createClient: () => createTemporalRuntime({ address: server.address, taskQueue, worker: false }, crashRegistry),
};

runCrashCertification(crash);
// Random kills at any moment: DURABLE_CAMPAIGN_KILLS (10 by default; `pnpm certify` runs 100).
runCrashCampaign(crash);
