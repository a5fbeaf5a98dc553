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
      return lines(file(executionId, stepName)).length;
    },
    // One small append per event (O_APPEND): lines of several processes never interleave within a line.
    event(executionId, line) {
      appendFileSync(join(dir, `${executionId}.events`), `${line}\n`);
    },
    events(executionId) {
      return lines(join(dir, `${executionId}.events`));
    },
  };
}

function lines(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}
