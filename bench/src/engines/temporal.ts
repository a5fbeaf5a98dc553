import { fileURLToPath } from 'node:url';
import { startTemporalDevServer } from '@durable-runtime/temporal/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { adapterExports, adapterProgram } from '../adapter-program.js';
import { temporalNativeProgram } from '../native/temporal.js';
import type { Engine, Program, Subject } from '../types.js';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const ignore = () => undefined;

/**
 * Temporal: the adapter (`createRuntime({ backend: 'temporal' })`, its own worker on one task queue) against a
 * hand-written native worker and client on another task queue, both in this process, on one dev server started by
 * `@durable-runtime/temporal/testing`.
 */
export const temporalEngine: Engine = {
  name: 'temporal',
  availability: () => adapterExports('@durable-runtime/temporal'),
  async open({ adapter, log }) {
    log('starting a Temporal dev server');
    const server = await startTemporalDevServer();
    const opened: Program[] = [];
    try {
      installQuietRuntime();
      const subjects: Subject[] = [];
      if (adapter) {
        log('starting the adapter worker (bundling the workflows)');
        const program = await adapterProgram({
          backend: 'temporal',
          address: server.address,
          taskQueue: 'bench-adapter',
          workflowModules: [here('../workflows.js')],
        });
        opened.push(program);
        subjects.push({
          role: 'adapter',
          label: 'adapter',
          description: '@durable-runtime/temporal: createRuntime, runtime.run / start / resolvePromise',
          program,
        });
      }
      log('starting the native worker (bundling the native workflows)');
      const native = await temporalNativeProgram(server.address);
      opened.push(native);
      subjects.push({
        role: 'native',
        label: 'native',
        description:
          '@temporalio/worker + @temporalio/client: workflow, activities, signal (native/temporal-workflows.ts)',
        program: native,
      });
      return {
        subjects,
        settleMs: 100,
        notes: [
          'Temporal dev server (`temporal server start-dev`, SQLite file in a temporary directory) on this machine: ' +
            'it shares the cores with this process (in a separate measurement it spent about 50 ms of CPU per 3-step ' +
            'workflow).',
        ],
        async close() {
          for (const program of opened) await program.close();
          await server.stop();
        },
      };
    } catch (error) {
      for (const program of opened) await program.close().catch(ignore);
      await server.stop();
      throw error;
    }
  },
};

/** The SDK's process-wide runtime at the adapter's default log level (WARN), installed once for both workers. */
function installQuietRuntime(): void {
  if (Runtime._instance) return;
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} } },
  });
}
