import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, type ManagedProcess, startProcess, waitUntil } from '@durable-runtime/dev-server';
import { findRestateServer } from './binary.js';

/** Options of {@link startRestateServer}. */
export interface RestateServerOptions {
  /** Path of the `restate-server` binary. @default the one of the npm package `@restatedev/restate-server` */
  readonly binary?: string;
  /** How long to wait until the admin API and the ingress are healthy, in milliseconds. @default 30000 */
  readonly startTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before it sends SIGKILL, in milliseconds. @default 5000 */
  readonly stopGraceMs?: number;
  /** Extra environment variables of the server (`RESTATE_*` settings), applied over the lean test defaults. */
  readonly env?: Readonly<Record<string, string>>;
}

/** A running Restate server on 127.0.0.1 with a throwaway data directory. */
export interface RestateTestServer {
  /** `http://127.0.0.1:<port>`: the adapter's `ingressUrl`. */
  readonly ingressUrl: string;
  /** `http://127.0.0.1:<port>`: the adapter's `adminUrl`. */
  readonly adminUrl: string;
  readonly ports: { readonly ingress: number; readonly admin: number; readonly node: number };
  /** The process id of the current server process (it changes with {@link restart}). */
  readonly pid: number;
  /** The server's data directory, removed by `stop()`. */
  readonly dataDir: string;
  /** The last lines the server printed (kept for failure messages). */
  output(): string;
  /** Stops the process (SIGTERM, then SIGKILL) and starts a new one on the same ports and data directory. */
  restart(): Promise<void>;
  /** Stops the server (SIGTERM, then SIGKILL after the grace period) and removes its data. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Lean settings for tests (about 150 MiB of memory, first invocation ready in well under a second), and service
 * protocol v7, with which a journal mismatch fails an invocation at once instead of being retried (experimental in
 * 1.7; allowed on new clusters only, which a throwaway data directory always is).
 */
const LEAN_ENV = {
  RESTATE_LISTEN_MODE: 'tcp',
  RESTATE_BIND_IP: '127.0.0.1',
  RESTATE_DISABLE_TELEMETRY: 'true',
  RESTATE_DEFAULT_NUM_PARTITIONS: '2',
  RESTATE_ROCKSDB_TOTAL_MEMORY_SIZE: '256MB',
  RESTATE_LOG_FORMAT: 'compact',
  RESTATE_LOG_FILTER: 'warn',
  RESTATE_EXPERIMENTAL_ENABLE_PROTOCOL_V7: 'true',
};

const OUTPUT_LIMIT = 20_000;

/**
 * Starts the `restate-server` binary of the npm package on 127.0.0.1, on free ports (ingress, admin, node-to-node),
 * with its data in a fresh temporary directory, and waits until the admin API and the ingress are healthy.
 * @throws Error naming the npm package when the binary is missing, or with the server's output when it does not
 * come up.
 * @example
 * const server = await startRestateServer();
 * const runtime = await createRestateRuntime({ ingressUrl: server.ingressUrl, adminUrl: server.adminUrl }, registry);
 * // ...
 * await runtime.close();
 * await server.stop();
 */
export async function startRestateServer(options: RestateServerOptions = {}): Promise<RestateTestServer> {
  const binary = findRestateServer(options.binary);
  const [ingress, admin, node] = (await freePorts(3)) as [number, number, number];
  const dataDir = mkdtempSync(join(tmpdir(), 'durable-restate-'));
  const env = {
    ...process.env,
    ...LEAN_ENV,
    RESTATE_INGRESS__BIND_PORT: String(ingress),
    RESTATE_ADMIN__BIND_PORT: String(admin),
    RESTATE_BIND_PORT: String(node),
    // The invoker's temporary directories (one per invoker) go with the data, and are removed with it.
    TMPDIR: dataDir,
    ...options.env,
  };
  const args = ['--no-logo', '--node-name=n1', `--base-dir=${dataDir}`];
  const ingressUrl = `http://127.0.0.1:${ingress}`;
  const adminUrl = `http://127.0.0.1:${admin}`;
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const graceMs = options.stopGraceMs ?? 5_000;
  // Kept across restarts (each process's own output starts empty).
  let output = '';
  let current: ManagedProcess | undefined;
  let stopped = false;

  const launch = async () => {
    const running = startProcess(binary, args, {
      env,
      onOutput: (chunk) => {
        output = (output + chunk).slice(-OUTPUT_LIMIT);
      },
    });
    current = running;
    try {
      await waitUntil(
        `Restate server ${binary} (${adminUrl}/health, ${ingressUrl}/restate/health)`,
        async () => (await ok(`${adminUrl}/health`)) && (await ok(`${ingressUrl}/restate/health`)),
        { exited: running.exited, output: () => output },
        startTimeoutMs,
      );
    } catch (error) {
      await running.stop(graceMs);
      throw error;
    }
  };

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      stopped = true;
      await current?.stop(graceMs);
      rmSync(dataDir, { recursive: true, force: true });
    })();
    return stopping;
  };

  try {
    await launch();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ingressUrl,
    adminUrl,
    ports: { ingress, admin, node },
    get pid() {
      return current?.pid ?? -1;
    },
    dataDir,
    output: () => output,
    async restart() {
      if (stopped) throw new Error('the Restate server was stopped: it cannot restart');
      await current?.stop(graceMs);
      await launch();
    },
    stop,
  };
}

async function ok(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}
