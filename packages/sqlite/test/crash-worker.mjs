// The crash campaign's worker process: a SQLite worker on the file DURABLE_SQLITE_PATH names, configured from the
// environment through core's createRuntime (DURABLE_BACKEND=sqlite loads this package by name), as an application
// would. Runs the built packages (`pnpm build`).
import { runCrashWorker } from '@durable-runtime/conformance/crash';
import { createRuntime, loadConfig } from '@durable-runtime/core';

const config = loadConfig(process.env);
if (config.backend !== 'sqlite') throw new Error(`crash-worker.mjs runs the sqlite backend, not ${config.backend}`);
await runCrashWorker((registry) => createRuntime(config, registry));
