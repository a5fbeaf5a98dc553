import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstExecutable, freePorts, startProcess, waitUntil } from '@durable-runtime/dev-server';

/** Options of {@link startResonateServer}. */
export interface ResonateServerOptions {
  /** Path of the `resonate` server binary. @default `$RESONATE_BIN`, `$DR_TOOLS/bin/resonate`, or `resonate` on PATH */
  readonly binary?: string;
  /** How long to wait until `GET /health` answers 200, in milliseconds. @default 30000 */
  readonly startTimeoutMs?: number;
}

/** A Resonate server on 127.0.0.1 with a throwaway SQLite file. */
export interface ResonateServer {
  /** The server's URL: the adapter's `url`. */
  readonly url: string;
  readonly pid: number;
  /** The last lines the server printed. */
  output(): string;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its data. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts `resonate dev` (the Rust Resonate server, 0.9.x command line) on 127.0.0.1 on a free port, with its SQLite
 * file in a fresh temporary directory and metrics off, and waits until `GET /health` answers 200.
 *
 * No package registry this project installs from ships the server (not crates.io, npm, PyPI, Debian or the Go proxy):
 * install a release binary from https://github.com/resonatehq/resonate/releases (or Homebrew, or Docker's
 * `resonatehq/resonate`) and set `RESONATE_BIN` or put it at `$DR_TOOLS/bin/resonate`.
 * @throws Error when the binary is missing (naming where it was looked for), or with the server's output when it
 * does not come up.
 */
export async function startResonateServer(options: ResonateServerOptions = {}): Promise<ResonateServer> {
  const binary = findResonateServer(options.binary);
  const [port] = (await freePorts(1)) as [number];
  const dataDir = mkdtempSync(join(tmpdir(), 'durable-resonate-'));
  // biome-ignore format: one flag per line reads better
  const args = [
    'dev', '--server-host', '127.0.0.1', '--server-port', String(port),
    '--observability-metrics-port', '0', '--storage-sqlite-path', join(dataDir, 'resonate.db'), '--level', 'warn',
  ];
  const server = startProcess(binary, args);
  const url = `http://127.0.0.1:${port}`;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= server.stop().finally(() => rmSync(dataDir, { recursive: true, force: true }));
    return stopping;
  };
  try {
    await waitUntil(
      `Resonate server ${binary} on ${url}`,
      async () => (await fetch(`${url}/health`)).ok,
      server,
      options.startTimeoutMs ?? 30_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: server.pid, output: server.output, stop };
}

/** The Resonate server binary. @throws Error naming every place it looked when there is none */
export function findResonateServer(binary?: string): string {
  const tools = process.env.DR_TOOLS ?? join(process.cwd(), '.toolchain');
  const candidates = [binary, process.env.RESONATE_BIN, join(tools, 'bin', 'resonate')];
  const found = binary ? firstExecutable([binary]) : firstExecutable(candidates, 'resonate');
  if (found) return found;
  throw new Error(
    `The Resonate server binary was not found (looked at ${candidates.filter(Boolean).join(', ')} and on PATH). ` +
      'No package registry ships it (crates.io, npm, PyPI, Debian and the Go proxy were checked), so the project has ' +
      'no provisioning script for it: install a release binary from https://github.com/resonatehq/resonate/releases ' +
      '(or Homebrew or Docker) and set RESONATE_BIN or put it at $DR_TOOLS/bin/resonate.',
  );
}
