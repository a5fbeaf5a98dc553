import { writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { ConfigError, createRuntime, defineStep, defineWorkflow, loadConfig } from '@durable-runtime/core';
import { ClaimLostError, newRecord } from '@durable-runtime/memory';
import { describe, expect, test, vi } from 'vitest';
import { createSqliteRuntime, MIGRATIONS, openSqliteStore, SCHEMA_VERSION, SqliteFileError } from '../src/index.js';
import { migrate } from '../src/schema.js';
import { openDatabase } from '../src/sqlite-connection.js';
import { tempFiles } from './temp-files.js';

const file = tempFiles('durable-sqlite-engine-');

let charges = 0;
const charge = defineStep('charge', async (args: { amount: number }) => {
  charges++;
  return { charged: args.amount };
});

const approval = defineWorkflow({
  name: 'approval',
  async run(ctx, input: { amount: number }) {
    await ctx.state.set('stage', 'waiting');
    const decision = await ctx.promise<{ approved: boolean }>('decision', { timeout: '1h' });
    if (!decision.approved) return { charged: 0 };
    const note = await ctx.receive<string>('note', { timeout: '1h' });
    await ctx.state.set('stage', 'charging');
    const receipt = await ctx.run(charge, { amount: input.amount });
    return { ...receipt, note };
  },
});

const napper = defineWorkflow({
  name: 'napper',
  async run(ctx, _input: Record<string, never>) {
    const before = (await ctx.now()).getTime();
    await ctx.sleep('300ms');
    return (await ctx.now()).getTime() - before;
  },
});

const longNap = defineWorkflow({
  name: 'longNap',
  async run(ctx, _input: Record<string, never>) {
    await ctx.sleep('3d');
    return 'rested';
  },
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const runs = { first: 0, second: 0 };
const slowFirst = defineStep('slowFirst', async (_input: Record<string, never>) => {
  runs.first++;
  await pause(150);
  return 'a';
});
const second = defineStep('second', async (_input: Record<string, never>) => {
  runs.second++;
  return 'b';
});
const twoSteps = defineWorkflow({
  name: 'twoSteps',
  async run(ctx, _input: Record<string, never>) {
    return (await ctx.run(slowFirst, {})) + (await ctx.run(second, {}));
  },
});

const registry = { workflows: [approval, napper, longNap, twoSteps], steps: [charge, slowFirst, second] };
const fast = { leaseMs: 300, pollMs: 5 };

describe('sqlite engine: processes sharing one file', () => {
  test('a client-only runtime starts, resolves, sends, reads state and cancels while a worker runs', async () => {
    const path = file();
    const worker = createSqliteRuntime(path, registry, fast);
    const client = createSqliteRuntime(path, registry, { ...fast, worker: false });
    try {
      const handle = await client.start(approval, { amount: 12 }, { id: 'a-1' });
      await expect.poll(() => handle.getState('stage'), { timeout: 5_000 }).toBe('waiting');
      expect(await handle.resolvePromise('decision', { approved: true })).toBe(true);
      expect(await handle.resolvePromise('decision', { approved: false })).toBe(false);
      await handle.send('note', 'thanks');
      await expect(handle.result()).resolves.toEqual({ charged: 12, note: 'thanks' });
      await expect(handle.send('note', 'late')).rejects.toMatchObject({ name: 'ExecutionEndedError' });

      const cancelled = await client.start(approval, { amount: 1 }, { id: 'a-2' });
      await expect.poll(() => cancelled.getState('stage'), { timeout: 5_000 }).toBe('waiting');
      await cancelled.cancel();
      await expect(cancelled.result()).rejects.toMatchObject({ cause: { name: 'CancelledError' } });
      expect(await worker.handle(approval, 'a-2').status()).toBe('cancelled');
    } finally {
      await client.close();
      await worker.close();
    }
  });

  test('a worker that finds its claim taken when it makes progress durable runs no further step', async () => {
    const path = file();
    const worker = createSqliteRuntime(path, registry, { ...fast, leaseMs: 60_000 });
    try {
      const handle = await worker.start(approval, { amount: 3 }, { id: 'taken' });
      await expect.poll(() => handle.getState('stage'), { timeout: 5_000 }).toBe('waiting');
      // Another worker claims it (as after a lapsed lease) while this one still believes its lease holds.
      const db = new DatabaseSync(path);
      db.prepare(`UPDATE executions SET owner = 'another-worker' WHERE id = 'taken'`).run();
      db.close();
      const charged = charges;
      await handle.resolvePromise('decision', { approved: true });
      await handle.send('note', 'go');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(charges).toBe(charged);
      expect(await handle.status()).toBe('running');
    } finally {
      await worker.close();
    }
  });

  test('a write lock held past the busy timeout before a step delays the execution and loses nothing', async () => {
    const path = file();
    const runtime = createSqliteRuntime(path, registry, { busyTimeoutMs: 50 });
    try {
      const handle = await runtime.start(twoSteps, {}, { id: 'busy' });
      await vi.waitFor(() => expect(runs.first).toBe(1));
      // Another process holds the write lock when the first step's result must be made durable before the second.
      const lock = new DatabaseSync(path);
      lock.exec('BEGIN IMMEDIATE');
      await pause(400);
      lock.exec('ROLLBACK');
      lock.close();
      await expect(handle.result()).resolves.toBe('ab');
      expect(runs).toEqual({ first: 1, second: 1 });
    } finally {
      await runtime.close();
    }
  });

  test('a timer that fell due while no worker ran fires when a worker starts', async () => {
    const path = file();
    const first = createSqliteRuntime(path, registry, fast);
    await first.start(napper, {}, { id: 'nap' });
    first.crash();
    await new Promise((resolve) => setTimeout(resolve, 700));
    const second = createSqliteRuntime(path, registry, fast);
    try {
      const started = Date.now();
      const slept = await second.handle(napper, 'nap').result();
      expect(slept).toBeGreaterThanOrEqual(300);
      // It was due before the worker started: it fires on the worker's first pass, not after another 300 ms.
      expect(Date.now() - started).toBeLessThan(slept + 250);
    } finally {
      await second.close();
    }
  });

  test('a clean close hands executions back at once; a crash leaves them claimed until the lease lapses', async () => {
    const path = file();
    const slow = { leaseMs: 60_000, pollMs: 5 };
    const first = createSqliteRuntime(path, registry, slow);
    await first.start(approval, { amount: 3 }, { id: 'handed-back' });
    await expect.poll(() => first.handle(approval, 'handed-back').getState('stage')).toBe('waiting');
    await first.close();
    const second = createSqliteRuntime(path, registry, slow);
    try {
      await second.handle(approval, 'handed-back').resolvePromise('decision', { approved: false });
      await expect(second.handle(approval, 'handed-back').result()).resolves.toEqual({ charged: 0 });
      const crashed = createSqliteRuntime(path, registry, slow);
      await crashed.start(approval, { amount: 3 }, { id: 'still-claimed' });
      crashed.crash();
      await second.handle(approval, 'still-claimed').resolvePromise('decision', { approved: false });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await second.handle(approval, 'still-claimed').status()).toBe('running');
    } finally {
      await second.close();
    }
  });

  test('state a client has read survives a crash right after the read (no commit pending behind a read)', async () => {
    const path = file();
    const slow = { leaseMs: 60_000, pollMs: 5 };
    const crashed = createSqliteRuntime(path, registry, slow);
    const handle = await crashed.start(approval, { amount: 3 }, { id: 'read-then-crash' });
    // Microtasks only until the state is seen: the deferred commit (at the end of the macrotask) has not run yet.
    let stage: unknown;
    for (let reads = 0; stage === undefined && reads < 10_000; reads++) stage = await handle.getState('stage');
    expect(stage).toBe('waiting');
    crashed.crash();
    const reader = createSqliteRuntime(path, registry, { ...slow, worker: false });
    try {
      expect(await reader.handle(approval, 'read-then-crash').getState('stage')).toBe('waiting');
    } finally {
      await reader.close();
    }
  });

  test('the virtual clock setting works on sqlite: a sleep of days finishes at once', async () => {
    const runtime = await createRuntime({ backend: 'sqlite', path: file(), clock: 'virtual' }, registry);
    try {
      const started = Date.now();
      await expect(runtime.run(longNap, {}, { id: 'days' })).resolves.toBe('rested');
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await runtime.close();
    }
  });
});

describe('sqlite engine: configuration by name', () => {
  test('DURABLE_BACKEND=sqlite loads this package through core, fields from DURABLE_SQLITE_*', async () => {
    const path = file();
    const config = loadConfig({ DURABLE_BACKEND: 'sqlite', DURABLE_SQLITE_PATH: path, DURABLE_SQLITE_LEASE_MS: '800' });
    expect(config).toEqual({ backend: 'sqlite', path, leaseMs: '800' });
    const runtime = await createRuntime(config, registry);
    try {
      await expect(runtime.run(napper, {}, { id: 'by-name' })).resolves.toBeGreaterThanOrEqual(300);
    } finally {
      await runtime.close();
    }
    expect(openSqliteStore(path).read('by-name')?.status).toBe('completed');
  });

  test('a wrong field is named with its environment variable', async () => {
    const config = loadConfig({ DURABLE_BACKEND: 'sqlite', DURABLE_SQLITE_LEASE_MS: 'soon' });
    await expect(createRuntime(config, registry)).rejects.toThrow(ConfigError);
    await expect(createRuntime(config, registry)).rejects.toThrow(/leaseMs \(DURABLE_SQLITE_LEASE_MS\)/);
    await expect(createRuntime({ backend: 'sqlite', synchronus: 'full' }, registry)).rejects.toThrow(/synchronus/);
  });

  test('the file is in WAL mode; synchronous is NORMAL by default and FULL (an fsync per commit) when asked', () => {
    const path = file();
    const normal = openDatabase(path, {});
    const full = openDatabase(path, { synchronous: 'full' });
    try {
      expect(normal.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      expect(normal.prepare('PRAGMA synchronous').get()).toEqual({ synchronous: 1 });
      expect(full.prepare('PRAGMA synchronous').get()).toEqual({ synchronous: 2 });
    } finally {
      normal.close();
      full.close();
    }
  });
});

describe('sqlite engine: the file', () => {
  test('a file written by an older schema version opens and is migrated, its executions kept', () => {
    const path = file();
    const old = new DatabaseSync(path);
    migrate(old, path, 1);
    old
      .prepare(
        `INSERT INTO executions (id, workflow, status, body, changed) VALUES ('kept', 'napper', 'completed', ?, 1)`,
      )
      .run(JSON.stringify({ input: {}, journal: [], state: {}, outcome: { status: 'completed', value: 301 } }));
    old.close();
    const store = openSqliteStore(path);
    try {
      expect(store.read('kept')).toMatchObject({ status: 'completed', outcome: { value: 301 } });
      const probe = new DatabaseSync(path);
      expect(probe.prepare('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION });
      probe.close();
      expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    } finally {
      store.close();
    }
  });

  test('a file from a newer version, a corrupt file and a locked file are typed errors naming the path', async () => {
    const newer = file();
    const db = new DatabaseSync(newer);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openSqliteStore(newer)).toThrow(SqliteFileError);
    expect(() => openSqliteStore(newer)).toThrow(new RegExp(`${escapeRegExp(newer)}.*newer @durable-runtime/sqlite`));

    const corrupt = file();
    writeFileSync(corrupt, 'this is not a database, but it is long enough to look like a header of one. '.repeat(4));
    const error = (() => {
      try {
        openSqliteStore(corrupt);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(SqliteFileError);
    expect(error).toMatchObject({ problem: 'corrupt', path: corrupt, code: 'CONNECTION' });

    const locked = file();
    const runtime = createSqliteRuntime(locked, registry, { busyTimeoutMs: 50 });
    const holder = new DatabaseSync(locked);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const start = runtime.start(napper, {}, { id: 'blocked' });
      return expect(start).rejects.toThrow(new RegExp(`${escapeRegExp(locked)}.*another process holds a write lock`));
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
      void runtime.close();
    }
  });

  test('ended executions are deleted after the retention, with their promises and messages', async () => {
    const path = file();
    const runtime = createSqliteRuntime(path, registry, fast);
    const handle = await runtime.start(approval, { amount: 5 }, { id: 'old' });
    await handle.resolvePromise('decision', { approved: false });
    await handle.result();
    await runtime.run(napper, {}, { id: 'recent' });
    await runtime.close();
    const store = openSqliteStore(path, { retentionMs: 86_400_000 });
    try {
      const db = new DatabaseSync(path);
      db.prepare(`UPDATE executions SET ended_at = ? WHERE id = 'old'`).run(Date.now() - 2 * 86_400_000);
      db.close();
      const sweeper = store.connect({ worker: true });
      sweeper.close(true);
      expect(store.ids()).toEqual(['recent']);
      const rows = new DatabaseSync(path);
      expect(rows.prepare(`SELECT COUNT(*) AS n FROM promises WHERE execution_id = 'old'`).get()).toEqual({ n: 0 });
      rows.close();
    } finally {
      store.close();
    }
  });
});

describe('sqlite engine: progress writes', () => {
  test('progress is deferred to one commit; a write that changes status is refused; a lost claim is ClaimLostError', () => {
    const store = openSqliteStore(file());
    const worker = store.connect({ worker: true });
    const other = store.connect({ worker: true });
    try {
      const record = newRecord({ id: 'p', workflowName: 'napper', input: {} });
      expect(worker.create(record)).toBeUndefined();
      worker.write({ ...record, state: { step: 1 } });
      worker.write({ ...record, state: { step: 2 } });
      // Not committed until the flush (before the next step attempt, or at the end of the macrotask).
      expect(store.read('p')?.state).toEqual({});
      worker.flush();
      expect(store.read('p')?.state).toEqual({ step: 2 });
      worker.write({ ...record, status: 'scheduled', startAt: 5 });
      expect(() => worker.flush()).toThrow(/progress write of execution 'p' changed its status or start time/);
      expect(store.read('p')).toMatchObject({ status: 'running', state: { step: 2 } });
      // Another worker's write is refused at its flush, and every later write of it too.
      other.write({ ...record, state: { step: 3 } });
      expect(() => other.flush()).toThrow(ClaimLostError);
      expect(() => other.write({ ...record, state: { step: 4 } })).toThrow(ClaimLostError);
      expect(store.read('p')?.state).toEqual({ step: 2 });
    } finally {
      worker.close(true);
      other.close(true);
      store.close();
    }
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
