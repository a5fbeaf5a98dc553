import { type SpawnOptions, spawn } from 'node:child_process';

/** How many characters of a process's output {@link startProcess} keeps by default. */
const DEFAULT_OUTPUT_LIMIT = 20_000;

/** How long {@link ManagedProcess.stop} waits after SIGTERM before it sends SIGKILL by default, in milliseconds. */
const DEFAULT_STOP_GRACE_MS = 5_000;

/** Options of {@link startProcess}: those of `child_process.spawn` (but `stdio`), and how output is kept. */
export interface StartProcessOptions extends Omit<SpawnOptions, 'stdio'> {
  /** How many characters of output (stdout and stderr interleaved) {@link ManagedProcess.output} keeps. @default 20000 */
  readonly outputLimit?: number;
  /** Called with every chunk of output (stdout and stderr, UTF-8), e.g. to keep output across restarts. */
  readonly onOutput?: (chunk: string) => void;
}

/** A child process whose output is kept (for failure messages), killed when this process exits, stopped once. */
export interface ManagedProcess {
  /** Its process id, or -1 when it could not be spawned. */
  readonly pid: number;
  /** The last characters it printed (stdout and stderr interleaved), up to the output limit. */
  output(): string;
  /** Settles with how it ended: `exited with code 1`, `exited with SIGTERM`, `failed to start: <reason>`. */
  readonly exited: Promise<string>;
  /**
   * Sends SIGTERM, then SIGKILL when it has not exited after `graceMs`, and resolves once it has exited. Idempotent:
   * later calls return the first call's promise.
   * @param graceMs @default 5000
   */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns `command` with its stdout and stderr piped and kept, and stdin ignored. The process is SIGKILLed when this
 * process exits without having stopped it (so a crashed test run leaves no server behind).
 * @example
 * const server = startProcess('temporal', ['server', 'start-dev', '--port', String(port)]);
 * try {
 *   await waitUntil(`Temporal dev server on port ${port}`, () => isUp(port), server, 30_000);
 * } finally {
 *   await server.stop();
 * }
 */
export function startProcess(
  command: string,
  args: readonly string[],
  options: StartProcessOptions = {},
): ManagedProcess {
  const { outputLimit = DEFAULT_OUTPUT_LIMIT, onOutput, ...spawnOptions } = options;
  const child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: string) => {
    output = (output + chunk).slice(-outputLimit);
    onOutput?.(chunk);
  };
  child.stdout?.setEncoding('utf8').on('data', collect);
  child.stderr?.setEncoding('utf8').on('data', collect);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(`exited with ${signal ?? `code ${code}`}`));
    child.once('error', (error) => resolve(`failed to start: ${error.message}`));
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));
  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid ?? -1,
    output: () => output,
    exited,
    stop(graceMs = DEFAULT_STOP_GRACE_MS) {
      stopping ??= (async () => {
        process.removeListener('exit', killOnExit);
        if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
        child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), graceMs);
        });
        if ((await Promise.race([exited, grace])) === 'timeout') child.kill('SIGKILL');
        clearTimeout(timer);
        await exited;
      })();
      return stopping;
    },
  };
}
