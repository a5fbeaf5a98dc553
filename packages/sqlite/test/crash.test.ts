import { fileURLToPath } from 'node:url';
import {
  type CrashCertificationOptions,
  crashRegistry,
  requireBuilt,
  runCrashCampaign,
  runCrashCertification,
} from '@durable-runtime/conformance/crash';
import { createSqliteRuntime } from '../src/index.js';
import { tempFiles } from './temp-files.js';

// The worker processes run the built packages: fail loudly when they are not built.
requireBuilt(new URL('../dist/index.js', import.meta.url));

const file = tempFiles('durable-sqlite-crash-');
// A killed worker's claims lapse after the lease: the next worker takes its executions over then.
const leaseMs = '1000';

function crashOptions(path: string): CrashCertificationOptions {
  return {
    name: 'sqlite',
    workerModule: fileURLToPath(new URL('./crash-worker.mjs', import.meta.url)),
    env: () => ({ DURABLE_BACKEND: 'sqlite', DURABLE_SQLITE_PATH: path, DURABLE_SQLITE_LEASE_MS: leaseMs }),
    // This process runs no worker: the steps run in the worker processes the harness starts and kills.
    createClient: async () => createSqliteRuntime(path, crashRegistry, { worker: false }),
  };
}

runCrashCertification(crashOptions(file('certification')));
// Random kills at any moment: DURABLE_CAMPAIGN_KILLS (10 by default; `pnpm certify` runs 100).
runCrashCampaign(crashOptions(file('campaign')));
// Two workers share the file and are killed in turn: each execution runs in one of them at a time.
runCrashCampaign({ ...crashOptions(file('two-workers')), workers: 2 });
