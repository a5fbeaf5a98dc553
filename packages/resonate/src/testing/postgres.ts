import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, startProcess, waitUntil } from '@durable-runtime/dev-server';

/** Options of {@link startPostgres}. */
export interface PostgresOptions {
  /** Directory of `initdb` and `postgres`. @default `pg_config --bindir`, else the newest /usr/lib/postgresql/<v>/bin */
  readonly binDir?: string;
  /** SQL files to run after start (e.g. resonate-pg's `resonate.sql`), in order. @default none */
  readonly sqlFiles?: readonly string[];
  /** How long to wait until the server accepts connections, in milliseconds. @default 30000 */
  readonly startTimeoutMs?: number;
}

/** A throwaway PostgreSQL cluster on 127.0.0.1. */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication): the adapter's `postgresUrl`. */
  readonly url: string;
  readonly pid: number;
  /** The server's `server_version_num`, e.g. 150018. */
  readonly versionNum: number;
  output(): string;
  /** Stops the server and removes its data directory. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a PostgreSQL cluster of the machine's PostgreSQL binaries in a fresh temporary directory, listening on
 * 127.0.0.1 on a free port (trust authentication, fsync off), and runs `sqlFiles` in it. As root, the server runs
 * as the `postgres` user (PostgreSQL refuses to run as root).
 * @throws Error when the binaries are missing, or with the server's output when it does not come up.
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  const binDir = options.binDir ?? findPostgresBinDir();
  const user = runAsUser();
  const [port] = (await freePorts(1)) as [number];
  const baseDir = mkdtempSync(join(tmpdir(), 'durable-resonate-pg-'));
  const dataDir = join(baseDir, 'data');
  if (user) chownSync(baseDir, user.uid, user.gid);
  const as = user ? { uid: user.uid, gid: user.gid } : {};
  execFileSync(join(binDir, 'initdb'), ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'], {
    ...as,
    stdio: 'pipe',
  });
  // biome-ignore format: one flag per line reads better
  const args = ['-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', baseDir, '-c', 'fsync=off', '-c', 'full_page_writes=off'];
  const server = startProcess(join(binDir, 'postgres'), args, as);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= server.stop().finally(() => rmSync(baseDir, { recursive: true, force: true }));
    return stopping;
  };
  try {
    await waitUntil(
      `PostgreSQL on port ${port}`,
      () => query(url, 'SELECT 1').then(() => true),
      server,
      options.startTimeoutMs ?? 30_000,
    );
    const [row] = await query(url, 'SHOW server_version_num');
    for (const file of options.sqlFiles ?? []) {
      execFileSync(join(binDir, 'psql'), ['-v', 'ON_ERROR_STOP=1', '-q', '-d', url, '-f', file], { stdio: 'pipe' });
    }
    return { url, pid: server.pid, versionNum: Number(row?.server_version_num), output: server.output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Runs one query with a fresh connection (the `pg` package). */
async function query(url: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

function findPostgresBinDir(): string {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'))) return dir;
  } catch {
    // no pg_config on PATH
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const version of versions) {
    const dir = join(root, version, 'bin');
    if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'))) return dir;
  }
  throw new Error(
    'PostgreSQL server binaries (initdb, postgres) were not found: install them (Debian: apt-get install postgresql) or pass binDir',
  );
}

/** As root, the `postgres` user to run the server as; otherwise `undefined` (run as the current user). */
function runAsUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error('PostgreSQL refuses to run as root, and there is no postgres user to run it as');
  }
}
