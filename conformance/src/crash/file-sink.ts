import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CrashSink } from './crash-probe.js';

/** A sink that appends one line per step run to `<dir>/<executionId>.<stepName>`: visible across processes. */
export function fileSink(dir: string): CrashSink {
  mkdirSync(dir, { recursive: true });
  const file = (executionId: string, stepName: string) => join(dir, `${executionId}.${stepName}`);
  return {
    record(executionId, stepName, attempt) {
      appendFileSync(file(executionId, stepName), `${process.pid} ${attempt}\n`);
    },
    count(executionId, stepName) {
      try {
        return readFileSync(file(executionId, stepName), 'utf8').split('\n').filter(Boolean).length;
      } catch {
        return 0;
      }
    },
  };
}
