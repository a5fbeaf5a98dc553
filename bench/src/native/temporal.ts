import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { hit } from '../marks.js';
import type { Program } from '../types.js';
import { increment } from '../workflows.js';

const ignore = () => undefined;
const quiet = { log: ignore, trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore };

/**
 * The workloads as a hand-written Temporal application: a worker on its own task queue with the workflows of
 * temporal-workflows.ts (bundled into the sandbox) and one activity per step, and a client that starts, signals and
 * awaits them.
 */
export async function temporalNativeProgram(address: string): Promise<Program> {
  const taskQueue = 'bench-native';
  const workerConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: workerConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./temporal-workflows.js', import.meta.url)),
      logger: quiet,
    }),
    activities: {
      addOne: async (n: number) => increment(n),
      mark: async (key: string) => {
        hit(key);
        return true;
      },
    },
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const options = (workflowId: string, args: unknown[]) => ({ taskQueue, workflowId, args });
  return {
    runSteps: (id, count, n) => client.workflow.execute('nativeSteps', options(id, [count, n])) as Promise<number>,
    async startMarked(id) {
      const handle = await client.workflow.start('nativeStart', options(id, [id]));
      return () => handle.result();
    },
    async runSleep(id, ms) {
      await client.workflow.execute('nativeSleep', options(id, [ms]));
    },
    async startWaiting(id) {
      const handle = await client.workflow.start('nativePromise', options(id, [id]));
      return {
        resolve: (value) => handle.signal('go', value),
        result: () => handle.result() as Promise<number>,
      };
    },
    async close() {
      worker.shutdown();
      await running;
      await workerConnection.close();
      await connection.close();
    },
  };
}
