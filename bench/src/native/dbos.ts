import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DBOS } from '@dbos-inc/dbos-sdk';
import { startPostgres } from '@durable-runtime/resonate/testing';
import { hit } from '../marks.js';
import type { Program } from '../types.js';
import { increment } from '../workflows.js';

/**
 * The workloads as a hand-written DBOS Transact application (`@dbos-inc/dbos-sdk`): workflows and steps registered
 * with `DBOS.registerWorkflow` / `DBOS.registerStep`, started with `DBOS.startWorkflow` and awaited on their handle,
 * `DBOS.sleep` for the durable sleep, `DBOS.recv` in the workflow and `DBOS.send` from outside for the promise. DBOS
 * is a library: the workflows run in this process and checkpoint into its system database, a PostgreSQL server
 * (the machine's binaries, started by `@durable-runtime/resonate/testing` on 127.0.0.1, stopped on close).
 */

/** The adapter's default step policy: 5 attempts, 1 s doubling (its 60 s cap is never reached in 5 attempts). */
const stepPolicy = { retriesAllowed: true, maxAttempts: 5, intervalSeconds: 1, backoffRate: 2 };

/** Longer than any sample waits: DBOS.recv returns null after its timeout (60 s by default). */
const RECV_TIMEOUT_SECONDS = 3_600;

/** What DBOS writes, for the report (seen in the server's statement log with the pinned SDK). */
export const DBOS_NOTE =
  'DBOS Transact checkpoints every step into its system database: three reads (the workflow status twice, the ' +
  "step's recorded output), then one transaction that locks the workflow's row and inserts the step's output (one " +
  'row in operation_outputs); one transaction at the start (workflow_status and workflow_input rows) and one at the ' +
  'end (status, workflow_output): 12 commits per 10-step execution (11 on the sqlite file). Its PostgreSQL runs on ' +
  'this machine with fsync off (like synchronous NORMAL: durable against a process kill, not a power loss) and ' +
  "shares the cores with this process; DBOS's default pool of 10 connections.";

/** A DBOS program and the server under it. */
export interface DbosProgram extends Program {
  /** The PostgreSQL major version of the system database, e.g. 15. */
  readonly postgresMajor: number;
  /** One line for the report: the SDK's version, its calls, the server. */
  readonly description: string;
}

let launched = false;

/**
 * Starts PostgreSQL, registers the workflows and launches DBOS (once per process: DBOS is a process-wide singleton).
 * @throws Error naming what failed (no PostgreSQL binaries, a server that does not start, DBOS refusing the server).
 */
export async function dbosNativeProgram(): Promise<DbosProgram> {
  if (launched) throw new Error('DBOS is launched once per process: one DBOS program at a time');
  launched = true;
  const postgres = await startPostgres();
  try {
    const addOne = DBOS.registerStep(async (n: number) => increment(n), { name: 'addOne', ...stepPolicy });
    const mark = DBOS.registerStep(
      async (key: string) => {
        hit(key);
        return true;
      },
      { name: 'mark', ...stepPolicy },
    );
    const steps = DBOS.registerWorkflow(
      async (count: number, n: number) => {
        let value = n;
        for (let i = 0; i < count; i++) value = await addOne(value);
        return value;
      },
      { name: 'nativeSteps' },
    );
    const start = DBOS.registerWorkflow(async (key: string) => mark(key), { name: 'nativeStart' });
    const sleep = DBOS.registerWorkflow(
      async (ms: number) => {
        await DBOS.sleep(ms);
        return ms;
      },
      { name: 'nativeSleep' },
    );
    const waiting = DBOS.registerWorkflow(
      async (key: string) => {
        await mark(key);
        const value = await DBOS.recv<number>('go', { timeoutSeconds: RECV_TIMEOUT_SECONDS });
        if (value === null) throw new Error(`DBOS.recv('go') timed out in ${key}`);
        return value;
      },
      { name: 'nativePromise' },
    );
    DBOS.setConfig({
      name: 'durable-bench',
      systemDatabaseUrl: postgres.url.replace(/\/postgres$/, '/dbos_bench'),
      // Warnings and errors only, as the adapters log by default.
      logLevel: 'warn',
    });
    await DBOS.launch();
    const started = <Args extends unknown[], R>(workflow: (...args: Args) => Promise<R>, id: string, args: Args) =>
      DBOS.startWorkflow(workflow, { workflowID: id })(...args);
    return {
      postgresMajor: Math.floor(postgres.versionNum / 10_000),
      description:
        `@dbos-inc/dbos-sdk ${sdkVersion()}: DBOS.registerWorkflow / registerStep, DBOS.startWorkflow + getResult, ` +
        `DBOS.sleep, DBOS.recv / DBOS.send; system database on PostgreSQL ${postgresVersion(postgres.versionNum)}`,
      async runSteps(id, count, n) {
        return (await started(steps, id, [count, n])).getResult();
      },
      async startMarked(id) {
        const handle = await started(start, id, [id]);
        return () => handle.getResult();
      },
      async runSleep(id, ms) {
        await (await started(sleep, id, [ms])).getResult();
      },
      async startWaiting(id) {
        const handle = await started(waiting, id, [id]);
        return {
          resolve: (value) => DBOS.send(id, value, 'go'),
          result: () => handle.getResult(),
        };
      },
      async close() {
        await DBOS.shutdown();
        await postgres.stop();
      },
    };
  } catch (error) {
    await DBOS.shutdown().catch(() => undefined);
    await postgres.stop();
    throw error;
  }
}

/** `150018` → `15.18`. */
function postgresVersion(versionNum: number): string {
  return `${Math.floor(versionNum / 10_000)}.${versionNum % 10_000}`;
}

/** The installed SDK's version, from its package.json (which the package does not export). */
function sdkVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.resolve('@dbos-inc/dbos-sdk'))); dir !== dirname(dir); ) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const { name, version } = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (name === '@dbos-inc/dbos-sdk' && version) return version;
    }
    dir = dirname(dir);
  }
  return '(version unknown)';
}
