import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acceptsConnections, freePorts, startProcess, waitUntil } from '@durable-runtime/dev-server';
import { Connection } from '@temporalio/client';
import { findTemporalCli } from './cli.js';

/** Options of {@link startTemporalDevServer}. */
export interface TemporalDevServerOptions {
  /** Path of the `temporal` CLI. @default found by `findTemporalCli()` */
  readonly binary?: string;
  /** Namespace to create besides `default`. @default 'default' */
  readonly namespace?: string;
  /** How long to wait until the server accepts gRPC calls, in milliseconds. @default 30000 */
  readonly startTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before it sends SIGKILL, in milliseconds. @default 5000 */
  readonly stopGraceMs?: number;
}

/** A running Temporal dev server on 127.0.0.1 with a throwaway SQLite file. */
export interface TemporalDevServer {
  /** The frontend gRPC address, `127.0.0.1:<port>`: the adapter's `address`. */
  readonly address: string;
  readonly namespace: string;
  readonly pid: number;
  readonly httpPort: number;
  readonly metricsPort: number;
  /** The temporary directory of the server's SQLite file, removed by `stop()`. */
  readonly dataDir: string;
  /** The last lines the server printed (kept for failure messages). */
  output(): string;
  /** Stops the server (SIGTERM, then SIGKILL after the grace period) and removes its data. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts `temporal server start-dev` on 127.0.0.1 on free ports, headless (no UI), with its SQLite file in a fresh
 * temporary directory, and waits until it accepts gRPC calls.
 * @throws Error naming `scripts/provision/temporal.sh` when the CLI is missing, or with the server's output when it
 * does not come up.
 */
export async function startTemporalDevServer(options: TemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  const binary = findTemporalCli(options.binary);
  const namespace = options.namespace ?? 'default';
  const [port, httpPort, metricsPort] = (await freePorts(3)) as [number, number, number];
  const dataDir = mkdtempSync(join(tmpdir(), 'durable-temporal-'));
  // biome-ignore format: one flag per line reads better
  const args = [
    'server', 'start-dev', '--headless', '--ip', '127.0.0.1',
    '--port', String(port), '--http-port', String(httpPort), '--metrics-port', String(metricsPort),
    '--db-filename', join(dataDir, 'temporal.db'), '--namespace', namespace, '--log-level', 'error',
    // Fire timers on time (the default lets the timer queue shift by up to a second: 200 ms sleeps took ~1 s).
    '--dynamic-config-value', 'history.timerProcessorMaxTimeShift="10ms"',
  ];
  const server = startProcess(binary, args);
  const address = `127.0.0.1:${port}`;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= server.stop(options.stopGraceMs).finally(() => rmSync(dataDir, { recursive: true, force: true }));
    return stopping;
  };
  try {
    await waitUntil(
      `Temporal dev server ${binary} on ${address}`,
      () => acceptsGrpc(address, port),
      server,
      options.startTimeoutMs ?? 30_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    address,
    namespace,
    pid: server.pid,
    httpPort,
    metricsPort,
    dataDir,
    output: server.output,
    stop,
  };
}

/** Whether the frontend answers `GetSystemInfo`. @throws Error of the gRPC call (kept for the timeout message) */
async function acceptsGrpc(address: string, port: number): Promise<boolean> {
  // A TCP probe first: a gRPC connect to a closed port costs about a second.
  if (!(await acceptsConnections('127.0.0.1', port))) return false;
  const connection = await Connection.connect({ address, connectTimeout: 1_000 });
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } finally {
    await connection.close();
  }
}
