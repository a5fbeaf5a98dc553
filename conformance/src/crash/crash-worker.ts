import type { RegistryInput, Runtime } from '@durable-runtime/core';
import { crashProbe, crashRegistry } from './crash-fixtures.js';
import { fileSink } from './file-sink.js';

/** The line a crash worker prints once it is ready to run steps. */
export const WORKER_READY = 'durable-runtime crash worker ready';

/**
 * The body of an adapter's crash worker module: installs the cross-process probe from `DURABLE_CRASH_DIR`, creates
 * the runtime (which runs the adapter's worker), announces readiness and runs until killed.
 * @example
 * // packages/restate/test/crash-worker.mjs
 * import { runCrashWorker } from '@durable-runtime/conformance/crash';
 * import { createRuntime, loadConfig } from '@durable-runtime/core';
 * await runCrashWorker((registry) => createRuntime(loadConfig(process.env), registry));
 */
export async function runCrashWorker(createRuntime: (registry: RegistryInput) => Promise<Runtime>): Promise<void> {
  const dir = process.env.DURABLE_CRASH_DIR;
  if (!dir) throw new Error('DURABLE_CRASH_DIR is not set: crash workers are started by runCrashCertification');
  crashProbe.install(fileSink(dir));
  const runtime = await createRuntime(crashRegistry);
  process.stdout.write(`${WORKER_READY}\n`);
  const stop = async () => {
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  await new Promise(() => {});
}
