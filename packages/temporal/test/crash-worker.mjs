// The crash certification's worker process: a Temporal worker for the crash fixtures, configured from the environment
// (DURABLE_BACKEND=temporal, TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE, TEMPORAL_WORKFLOW_MODULES). Runs the built packages
// (`pnpm build`), as an application would.
import { fileURLToPath } from 'node:url';
import { runCrashWorker } from '@durable-runtime/conformance/crash';
import { loadConfig } from '@durable-runtime/core';
import { createTemporalRuntime } from '@durable-runtime/temporal';

process.env.TEMPORAL_WORKFLOW_MODULES ??= fileURLToPath(
  import.meta.resolve('@durable-runtime/conformance/crash-fixtures'),
);
const config = loadConfig(process.env);
if (config.backend !== 'temporal') throw new Error(`crash-worker.mjs runs the temporal backend, not ${config.backend}`);
await runCrashWorker((registry) => createTemporalRuntime({ ...config, logLevel: 'ERROR' }, registry));
