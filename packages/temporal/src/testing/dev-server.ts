import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

const OUTPUT_LIMIT = 20_000;

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
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(`exited with ${signal ?? `code ${code}`}`));
    child.once('error', (error) => resolve(`failed to start: ${error.message}`));
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const address = `127.0.0.1:${port}`;
  const stop = once(async () => {
    process.removeListener('exit', killOnExit);
    await stopProcess(child, exited, options.stopGraceMs ?? 5_000);
    rmSync(dataDir, { recursive: true, force: true });
  });
  try {
    await waitUntilReady(address, exited, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    await stop();
    throw new Error(`Temporal dev server on ${address} did not start: ${(error as Error).message}\n${output}`);
  }
  return {
    address,
    namespace,
    pid: child.pid ?? -1,
    httpPort,
    metricsPort,
    dataDir,
    output: () => output,
    stop,
  };
}

async function waitUntilReady(address: string, exited: Promise<string>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exit: string | undefined;
  void exited.then((how) => {
    exit = how;
  });
  const [host, port] = address.split(':') as [string, string];
  let lastError = 'timed out';
  while (Date.now() < deadline) {
    if (exit) throw new Error(`the server ${exit}`);
    // A TCP probe first: a gRPC connect to a closed port costs about a second.
    if (await tcpOpen(host, Number(port))) {
      try {
        const connection = await Connection.connect({ address, connectTimeout: 1_000 });
        try {
          await connection.workflowService.getSystemInfo({});
          return;
        } finally {
          await connection.close();
        }
      } catch (error) {
        lastError = (error as Error).message;
      }
    }
    await delay(50);
  }
  throw new Error(`not ready after ${timeoutMs} ms (${lastError})`);
}

async function stopProcess(child: ChildProcess, exited: Promise<string>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  if ((await Promise.race([exited, grace])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}

function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Free TCP ports on 127.0.0.1, all distinct (held open together while they are picked). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= fn();
    return running;
  };
}
