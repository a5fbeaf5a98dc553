import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** V8's full garbage collection: exposed for this process without the `--expose-gc` flag. */
function exposedGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

let collect: (() => void) | undefined;

/**
 * Runs a full garbage collection, so that the next sample starts on a heap holding only what is alive. A batch of
 * hundreds of executions leaves tens of megabytes behind, and otherwise the subject measured next pays for them.
 */
export function collectGarbage(): void {
  collect ??= exposedGc();
  collect();
}
