import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Runtime } from '@durable-runtime/core';
import { afterAll, beforeAll } from 'vitest';
import type { CrashSink } from './crash-probe.js';
import { fileSink } from './file-sink.js';
import type { CrashCertificationOptions } from './run-crash-certification.js';
import { WorkerProcess } from './worker-process.js';

/** What a crash test uses: the cross-process sink, worker processes to start and kill, and a client runtime. */
export interface CrashWorkers {
  readonly sink: CrashSink;
  startWorker(): Promise<WorkerProcess>;
  client(): Runtime;
  /** The output of the last `count` workers, for a failure message. */
  logs(count?: number): string;
}

/**
 * Sets up a crash test in the current describe block: a directory for the sink, the client runtime, and worker
 * processes of the adapter's worker module, all stopped and removed after the block.
 */
export function useCrashWorkers(options: CrashCertificationOptions, prefix: string): CrashWorkers {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const workers: WorkerProcess[] = [];
  let client: Runtime | undefined;

  beforeAll(async () => {
    client = await options.createClient();
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill('SIGTERM')));
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  return {
    sink: fileSink(dir),
    async startWorker() {
      const worker = await WorkerProcess.start(
        options.workerModule,
        { ...options.env(), DURABLE_CRASH_DIR: dir },
        { nodeArgs: options.nodeArgs ?? [], readyTimeoutMs: options.readyTimeoutMs ?? 60_000 },
      );
      workers.push(worker);
      return worker;
    },
    client() {
      if (!client) throw new Error('the crash client is not created yet');
      return client;
    },
    logs(count = workers.length) {
      return workers
        .slice(-count)
        .map((worker) => `--- worker (pid ${worker.pid}) ---\n${worker.log()}`)
        .join('\n');
    },
  };
}
