// The crash certification's worker process: serves the Restate endpoint for the crash fixtures, configured from the
// environment (DURABLE_BACKEND=restate, RESTATE_INGRESS_URL, RESTATE_ADMIN_URL, RESTATE_ENDPOINT_PORT) through core's
// createRuntime, as an application would. Runs the built packages (`pnpm build`).
import { runCrashWorker } from '@durable-runtime/conformance/crash';
import { createRuntime, loadConfig } from '@durable-runtime/core';

const config = loadConfig(process.env);
if (config.backend !== 'restate') throw new Error(`crash-worker.mjs runs the restate backend, not ${config.backend}`);
await runCrashWorker((registry) => createRuntime(config, registry));
