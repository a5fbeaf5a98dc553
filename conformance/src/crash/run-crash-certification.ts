import type { Runtime } from '@durable-runtime/core';
import { describe, expect, test, vi } from 'vitest';
import { crashable } from './crash-fixtures.js';
import { useCrashWorkers } from './crash-workers.js';

/** Options of {@link runCrashCertification}. */
export interface CrashCertificationOptions {
  /** The backend's name in test titles. */
  readonly name: string;
  /** Absolute path of the worker module (a built `.js`/`.mjs` file) that calls `runCrashWorker`. */
  readonly workerModule: string;
  /** Environment of the worker processes: the backend's configuration (`DURABLE_BACKEND`, addresses...). */
  env(): Record<string, string>;
  /** A client runtime in the test process that starts and observes executions but runs no steps. */
  createClient(): Promise<Runtime>;
  readonly nodeArgs?: readonly string[];
  /** How long the new worker may take to finish the execution. @default 60000 */
  readonly recoveryTimeoutMs?: number;
  /** How long a worker may take to start. @default 60000 */
  readonly readyTimeoutMs?: number;
}

/**
 * The crash certification: a worker is SIGKILLed while a step runs, a new worker is started, and the execution must
 * complete without re-running the steps recorded before the crash.
 */
export function runCrashCertification(options: CrashCertificationOptions): void {
  describe(`crash certification: ${options.name}`, () => {
    const crash = useCrashWorkers(options, 'durable-crash-');

    test('a worker killed mid-step is replaced; recorded steps do not run again; nothing is lost', async () => {
      const { sink } = crash;
      const id = `crash-${Date.now().toString(36)}`;
      const first = await crash.startWorker();
      const handle = await crash.client().start(crashable, {}, { id });
      try {
        await vi.waitFor(() => expect(sink.count(id, 'crashB')).toBe(1), { timeout: 30_000, interval: 25 });
        await first.kill('SIGKILL');
        expect(sink.count(id, 'crashA')).toBe(1);
        await crash.startWorker();
        const result = await Promise.race([
          handle.result(),
          new Promise((_, reject) =>
            setTimeout(() => reject(new Error('no result after the restart')), options.recoveryTimeoutMs ?? 60_000),
          ),
        ]);
        expect(result).toEqual(['a', 'b', 'c']);
        expect(sink.count(id, 'crashA')).toBe(1);
        expect(sink.count(id, 'crashB')).toBe(2);
        expect(sink.count(id, 'crashC')).toBe(1);
        expect(await handle.getState('after')).toBe('a');
      } catch (error) {
        throw new Error(`${String(error)}\n${crash.logs()}`, { cause: error });
      }
    });
  });
}
