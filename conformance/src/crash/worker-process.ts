import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { WORKER_READY } from './crash-worker.js';

/** A worker child process started by the crash harness, with its output kept for failure reports. */
export class WorkerProcess {
  readonly output: string[] = [];
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.output.push(chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.output.push(chunk));
  }

  /** Spawns `node <module>` and resolves once it printed the ready line. */
  static async start(
    module: string,
    env: Record<string, string>,
    options: { nodeArgs?: readonly string[]; readyTimeoutMs: number },
  ): Promise<WorkerProcess> {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), module], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const worker = new WorkerProcess(child);
    await worker.#waitForReady(options.readyTimeoutMs);
    return worker;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Kills the process with `signal` and waits until it is gone. */
  async kill(signal: NodeJS.Signals): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = once(this.#child, 'exit');
    this.#child.kill(signal);
    await exited;
  }

  async #waitForReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.join('').includes(WORKER_READY)) {
      if (this.#child.exitCode !== null) {
        throw new Error(`crash worker exited with code ${this.#child.exitCode} before it was ready:\n${this.log()}`);
      }
      if (Date.now() > deadline) {
        await this.kill('SIGKILL');
        throw new Error(`crash worker was not ready after ${timeoutMs}ms:\n${this.log()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  log(): string {
    return this.output.join('').trim() || '(no output)';
  }
}
