import { fileURLToPath } from 'node:url';
import { startTemporalDevServer, type TemporalDevServer } from '@durable-runtime/temporal/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { adapterExports, adapterProgram } from '../adapter-program.js';
import { temporalNativeProgram } from '../native/temporal.js';
import { type Opened, opening } from '../opened.js';
import type { Engine, Program, Subject } from '../types.js';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export const TEMPORAL_ADAPTER = '@durable-runtime/temporal: createRuntime, runtime.run / start / resolvePromise';
export const TEMPORAL_SERVER_NOTE =
  'Temporal dev server (`temporal server start-dev`, SQLite file in a temporary directory) on this machine: ' +
  'it shares the cores with this process (in a separate measurement it spent about 50 ms of CPU per 3-step ' +
  'workflow).';

/**
 * Starts a Temporal dev server with `@durable-runtime/temporal/testing`, stopped when `opened` closes, and installs
 * the SDK's process-wide runtime for the workers.
 */
export async function startTemporal(opened: Opened, log: (line: string) => void): Promise<TemporalDevServer> {
  log('starting a Temporal dev server');
  const server = opened.add(await startTemporalDevServer(), (started) => started.stop());
  installQuietRuntime();
  return server;
}

/** The adapter on `server`, its own worker on one task queue in this process, closed when `opened` closes. */
export async function temporalAdapterProgram(
  opened: Opened,
  server: TemporalDevServer,
  log: (line: string) => void,
): Promise<Program> {
  log('starting the adapter worker (bundling the workflows)');
  return opened.program(
    await adapterProgram({
      backend: 'temporal',
      address: server.address,
      taskQueue: 'bench-adapter',
      workflowModules: [here('../workflows.js')],
    }),
  );
}

/**
 * Temporal: the adapter (`createRuntime({ backend: 'temporal' })`, its own worker on one task queue) against a
 * hand-written native worker and client on another task queue, both in this process, on one dev server started by
 * `@durable-runtime/temporal/testing`.
 */
export const temporalEngine: Engine = {
  name: 'temporal',
  availability: () => adapterExports('@durable-runtime/temporal'),
  open: ({ adapter, log }) =>
    opening(async (opened) => {
      const server = await startTemporal(opened, log);
      const subjects: Subject[] = [];
      if (adapter) {
        subjects.push({
          role: 'adapter',
          label: 'adapter',
          description: TEMPORAL_ADAPTER,
          program: await temporalAdapterProgram(opened, server, log),
        });
      }
      log('starting the native worker (bundling the native workflows)');
      subjects.push({
        role: 'native',
        label: 'native',
        description:
          '@temporalio/worker + @temporalio/client: workflow, activities, signal (native/temporal-workflows.ts)',
        program: opened.program(await temporalNativeProgram(server.address)),
      });
      return { subjects, settleMs: 100, notes: [TEMPORAL_SERVER_NOTE], close: () => opened.close() };
    }),
};

/** The SDK's process-wide runtime at the adapter's default log level (WARN), installed once for both workers. */
function installQuietRuntime(): void {
  if (Runtime._instance) return;
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} } },
  });
}
