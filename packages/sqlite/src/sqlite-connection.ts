import { randomUUID } from 'node:crypto';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { ExecutionOutcome, PromiseSettlement } from '@durable-runtime/core/spi';
import {
  ClaimLostError,
  ENDED_STATUSES,
  type ExecutionRecord,
  type InboundFields,
  type RecordStatus,
  type StoreConnection,
} from '@durable-runtime/memory';
import { fileError } from './file-errors.js';
import {
  DEFAULT_BUSY_TIMEOUT_MS,
  DEFAULT_LEASE_MS,
  DEFAULT_POLL_MS,
  DEFAULT_RETENTION_MS,
  RETENTION_SWEEP_MS,
  type SqliteStoreOptions,
} from './options.js';
import { migrate } from './schema.js';
import { SQL, type Sql } from './statements.js';

/** The worker's fields, as stored in `body`. */
type Body = Omit<ExecutionRecord, keyof InboundFields | 'id' | 'workflowName' | 'status' | 'startAt'>;

interface ExecutionRow {
  readonly workflow: string;
  readonly status: RecordStatus;
  readonly start_at: number | null;
  readonly cancel_requested: number;
  readonly body: string;
}

/** Opens a connection to the file, with its pragmas set and its schema brought to the current version. */
export function openDatabase(path: string, options: SqliteStoreOptions): DatabaseSync {
  try {
    const db = new DatabaseSync(path, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
    db.exec('PRAGMA journal_mode = WAL');
    db.exec(`PRAGMA synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.exec('PRAGMA wal_autocheckpoint = 10000');
    migrate(db, path);
    return db;
  } catch (error) {
    throw fileError(path, error);
  }
}

/**
 * One engine's connection to the SQLite file. Each method is one statement or one `BEGIN IMMEDIATE` transaction,
 * so it is atomic against every other process on the file. A worker connection owns the executions it created or
 * claimed (`owner`, renewed `lease_until`); changes by other connections are found by polling `PRAGMA data_version`
 * and the `changed` sequence every execution row carries.
 */
export class SqliteConnection implements StoreConnection {
  readonly #db: DatabaseSync;
  readonly #owner = randomUUID();
  readonly #leaseMs: number;
  readonly #retentionMs: number;
  readonly #statements = new Map<Sql, StatementSync>();
  readonly #timers: NodeJS.Timeout[] = [];
  /** Change numbers this connection wrote: not reported back to it. */
  readonly #ownChanges = new Set<number>();
  #listener: ((id: string) => void) | undefined;
  #dataVersion = -1;
  #lastChange = 0;
  #open = true;
  /** The worker's progress not written yet, by execution: `flush` writes it, the latest record of each, in one commit. */
  readonly #pending = new Map<string, ExecutionRecord>();
  /** Executions whose claim a deferred write found taken: their next write is refused. */
  readonly #lost = new Set<string>();
  /** The earliest end of this connection's leases (set at each claim and renewal): until then no one else claims. */
  #claimsHoldUntil = Number.POSITIVE_INFINITY;
  #flushScheduled = false;

  constructor(
    readonly path: string,
    readonly worker: boolean,
    options: SqliteStoreOptions,
    /** False for a reader that only reads (no change feed, no timers). */
    watch = true,
  ) {
    this.#db = openDatabase(path, options);
    if (watch) this.#guard(() => this.#prepareAll());
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.#retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.#lastChange = this.#get<{ last: number }>(SQL.lastChange)?.last ?? 0;
    this.#dataVersion = this.#currentDataVersion();
    if (watch) this.#every(options.pollMs ?? DEFAULT_POLL_MS, () => this.#poll());
    if (worker) {
      this.#every(this.#leaseMs / 3, () => this.#renewLeases());
      this.#every(this.#leaseMs / 2, () => this.#offerLapsed());
      this.#every(RETENTION_SWEEP_MS, () => this.sweep());
      this.sweep();
    }
  }

  read(id: string): ExecutionRecord | undefined {
    this.#writePending();
    return this.#transaction(SQL.begin, () => {
      const row = this.#row(id);
      return row && { ...this.#owned(id, row), ...this.#inbound(id, row) };
    });
  }

  readInbound(id: string): InboundFields | undefined {
    return this.#transaction(SQL.begin, () => {
      const row = this.#get<{ cancel_requested: number }>(SQL.cancelRequested, id);
      return row && this.#inbound(id, row);
    });
  }

  create(record: ExecutionRecord): ExecutionRecord | undefined {
    this.#writePending();
    const owned = this.worker ? this.#owner : null;
    if (owned) this.#claimed(Date.now() + this.#leaseMs);
    const created = this.#change(
      SQL.create,
      record.id,
      record.workflowName,
      record.status,
      record.startAt ?? null,
      JSON.stringify(bodyOf(record)),
      owned,
      owned ? Date.now() + this.#leaseMs : null,
    );
    return created ? undefined : this.read(record.id);
  }

  /**
   * Progress is deferred while this connection's leases hold for a while yet: `flush` writes the latest record of
   * each execution in one commit (before the next step attempt, before any other call of this connection, or at the
   * end of the current macrotask). An end, and progress when the leases are close to their end, are written and
   * committed at once, with what was deferred: clients and parents waiting for an outcome see it once it is durable.
   * @throws ClaimLostError when another worker claimed the execution
   */
  write(record: ExecutionRecord): void {
    if (this.#lost.has(record.id)) throw new ClaimLostError(record.id);
    const ended = ENDED_STATUSES.has(record.status);
    if (!ended && Date.now() < this.#claimsHoldUntil - this.#leaseMs / 3) {
      this.#pending.set(record.id, record);
      this.#scheduleFlush();
      return;
    }
    this.#pending.delete(record.id);
    const body = JSON.stringify(bodyOf(record));
    const written = this.#transaction(SQL.beginImmediate, () => {
      this.#writePendingInTransaction();
      return ended ? this.#end(record, body) : this.#progress(record, body);
    });
    if (!written) throw new ClaimLostError(record.id);
  }

  /**
   * Writes and commits the deferred progress.
   * @throws ClaimLostError naming an execution another worker claimed (its progress is dropped; the rest is committed)
   */
  flush(): void {
    const lost = this.#writePending();
    if (lost !== undefined) throw new ClaimLostError(lost);
  }

  /** Writes the deferred progress in one commit; returns an execution found claimed by another worker, if any. */
  #writePending(): string | undefined {
    if (this.#pending.size === 0) return undefined;
    return this.#transaction(SQL.beginImmediate, () => this.#writePendingInTransaction());
  }

  #writePendingInTransaction(): string | undefined {
    let lost: string | undefined;
    for (const record of this.#pending.values()) {
      if (this.#progress(record, JSON.stringify(bodyOf(record)))) continue;
      this.#lost.add(record.id);
      lost ??= record.id;
    }
    this.#pending.clear();
    return lost;
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      if (!this.#open) return;
      try {
        this.#writePending();
      } catch {
        // A busy or failing file: the progress stays deferred, and the next write or flush (before the next step
        // attempt at the latest) tries again and reports the failure to the engine.
      }
    });
  }

  #end(record: ExecutionRecord, body: string): boolean {
    return (
      this.#change(SQL.end, record.status, record.startAt ?? null, body, Date.now(), record.id, this.#owner) !==
      undefined
    );
  }

  #claimed(leaseUntil: number): void {
    this.#claimsHoldUntil = Math.min(this.#claimsHoldUntil, leaseUntil);
  }

  /**
   * Progress before the end writes the body alone: the engine moves status and start time only by `create`, `begin`
   * and the end. Setting an indexed column, even to its value, rewrites the index's page too, which tripled the cost
   * of a commit in a measurement on this machine.
   */
  #progress(record: ExecutionRecord, body: string): boolean {
    if (this.#run(SQL.progress, body, record.id, this.#owner, record.status, record.startAt ?? null) === 1) return true;
    const row = this.#get<{ owner: string | null }>(SQL.owner, record.id);
    if (row?.owner !== this.#owner) return false;
    this.#pending.delete(record.id);
    throw new Error(
      `internal: a progress write of execution '${record.id}' changed its status or start time (status '${record.status}')`,
    );
  }

  settle(id: string, name: string, settlement: PromiseSettlement): 'won' | 'lost' | 'ended' {
    this.#writePending();
    return this.#delivery(id, () =>
      this.#run(SQL.settle, id, name, JSON.stringify(settlement)) === 1 ? 'won' : 'lost',
    );
  }

  deliver(id: string, channel: string, message: unknown): 'accepted' | 'ended' {
    this.#writePending();
    return this.#delivery(id, () => {
      this.#run(SQL.deliver, id, channel, id, channel, JSON.stringify(message));
      return 'accepted';
    });
  }

  requestCancel(id: string, outcome: ExecutionOutcome): void {
    this.#writePending();
    this.#change(SQL.requestCancel, JSON.stringify(outcome), Date.now(), id);
  }

  begin(id: string): boolean {
    this.#writePending();
    return this.#change(SQL.begun, id, this.#owner) !== undefined;
  }

  claim(id: string): boolean {
    this.#writePending();
    if (!this.worker) return false;
    const now = Date.now();
    const claimed = this.#run(SQL.claim, this.#owner, now + this.#leaseMs, id, this.#owner, now) === 1;
    if (claimed) {
      this.#lost.delete(id);
      this.#claimed(now + this.#leaseMs);
    }
    return claimed;
  }

  claimable(): string[] {
    return this.#all<{ id: string }>(SQL.claimable, Date.now()).map((row) => row.id);
  }

  /** Every execution id in the file. */
  ids(): string[] {
    return this.#all<{ id: string }>(SQL.ids).map((row) => row.id);
  }

  subscribe(listener: (id: string) => void): void {
    this.#listener = listener;
  }

  close(release: boolean): void {
    if (!this.#open) return;
    this.#open = false;
    this.#listener = undefined;
    for (const timer of this.#timers) clearInterval(timer);
    try {
      // A crash loses what was not committed, as a killed process would.
      if (release) this.#writePending();
      if (release && this.worker) this.#run(SQL.release, this.#owner);
    } finally {
      this.#db.close();
    }
  }

  /** Deletes the executions that ended longer ago than the retention, with their promises and messages. */
  sweep(now = Date.now()): number {
    this.#writePending();
    return this.#transaction(SQL.beginImmediate, () => {
      const cutoff = now - this.#retentionMs;
      this.#run(SQL.sweepPromises, cutoff);
      this.#run(SQL.sweepMessages, cutoff);
      return this.#run(SQL.sweepExecutions, cutoff);
    });
  }

  // ---- change feed ----

  #poll(): void {
    const version = this.#currentDataVersion();
    if (version === this.#dataVersion) {
      // Nobody else committed: every change since the last one seen is this connection's own.
      for (const changed of this.#ownChanges) this.#lastChange = Math.max(this.#lastChange, changed);
      this.#ownChanges.clear();
      return;
    }
    this.#dataVersion = version;
    const rows = this.#all<{ id: string; changed: number }>(SQL.changedSince, this.#lastChange);
    for (const { id, changed } of rows) {
      this.#lastChange = changed;
      if (this.#ownChanges.delete(changed)) continue;
      this.#tell(id);
    }
    for (const changed of this.#ownChanges) if (changed <= this.#lastChange) this.#ownChanges.delete(changed);
  }

  /** Executions whose worker stopped renewing its claim (killed): offered to this worker. */
  #offerLapsed(): void {
    const lapsed = this.#all<{ id: string }>(SQL.lapsed, this.#owner, Date.now());
    for (const { id } of lapsed) this.#tell(id);
  }

  #renewLeases(): void {
    this.#writePending();
    const leaseUntil = Date.now() + this.#leaseMs;
    this.#run(SQL.renewLeases, leaseUntil, this.#owner);
    this.#claimsHoldUntil = leaseUntil;
  }

  #tell(id: string): void {
    this.#listener?.(id);
  }

  #currentDataVersion(): number {
    return (this.#get<{ data_version: number }>(SQL.dataVersion) as { data_version: number }).data_version;
  }

  #every(ms: number, task: () => void): void {
    const timer = setInterval(() => {
      if (!this.#open) return;
      try {
        task();
      } catch {
        // A busy or briefly unavailable file: the next round tries again.
      }
    }, ms);
    this.#timers.push(timer);
  }

  // ---- rows ----

  #row(id: string): ExecutionRow | undefined {
    return this.#get<ExecutionRow>(SQL.row, id);
  }

  #owned(id: string, row: ExecutionRow): Omit<ExecutionRecord, keyof InboundFields> {
    const body = JSON.parse(row.body) as Body;
    return {
      ...body,
      id,
      workflowName: row.workflow,
      status: row.status,
      ...(row.start_at === null ? {} : { startAt: row.start_at }),
    };
  }

  #inbound(id: string, row: { cancel_requested: number }): InboundFields {
    const promises: InboundFields['promises'] = {};
    for (const { name, settlement } of this.#all<{ name: string; settlement: string }>(SQL.promises, id)) {
      define(promises, name, JSON.parse(settlement));
    }
    const mailbox: InboundFields['mailbox'] = {};
    for (const { channel, message } of this.#all<{ channel: string; message: string }>(SQL.messages, id)) {
      if (!Object.hasOwn(mailbox, channel)) define(mailbox, channel, []);
      (mailbox[channel] as unknown[]).push(JSON.parse(message));
    }
    return { cancelRequested: row.cancel_requested === 1, promises, mailbox };
  }

  /** A delivery: refused once the execution ended; marks the execution changed when it changed anything. */
  #delivery<R extends 'won' | 'lost' | 'accepted'>(id: string, insert: () => R): R | 'ended' {
    return this.#transaction(SQL.beginImmediate, () => {
      const row = this.#get<{ status: RecordStatus }>(SQL.status, id);
      if (!row || ENDED_STATUSES.has(row.status)) return 'ended';
      const result = insert();
      if (result !== 'lost') {
        this.#change(SQL.markChanged, id);
      }
      return result;
    });
  }

  // ---- statements ----

  /** Runs a statement that ends with `RETURNING changed`: the change number, remembered as this connection's own. */
  #change(sql: Sql, ...params: SqlValue[]): number | undefined {
    const row = this.#get<{ changed: number }>(sql, ...params);
    if (row) this.#ownChanges.add(row.changed);
    return row?.changed;
  }

  #run(sql: Sql, ...params: SqlValue[]): number {
    return Number(this.#guard(() => this.#statement(sql).run(...params)).changes);
  }

  #get<T>(sql: Sql, ...params: SqlValue[]): T | undefined {
    return this.#guard(() => this.#statement(sql).get(...params)) as T | undefined;
  }

  #all<T>(sql: Sql, ...params: SqlValue[]): T[] {
    return this.#guard(() => this.#statement(sql).all(...params)) as T[];
  }

  #transaction<T>(begin: typeof SQL.begin | typeof SQL.beginImmediate, body: () => T): T {
    if (this.#db.isTransaction) return body();
    this.#run(begin);
    try {
      const result = body();
      this.#run(SQL.commit);
      return result;
    } catch (error) {
      if (this.#db.isTransaction) this.#run(SQL.rollback);
      throw error;
    }
  }

  /** Compiled when the file opens: on the first execution they cost a third of its time (measured on 10 steps). */
  #prepareAll(): void {
    for (const sql of Object.values(SQL)) this.#statement(sql);
  }

  #statement(sql: Sql): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #guard<T>(operation: () => T): T {
    try {
      return operation();
    } catch (error) {
      throw fileError(this.path, error);
    }
  }
}

type SqlValue = string | number | null;

function bodyOf(record: ExecutionRecord): Body {
  const {
    id: _id,
    workflowName: _w,
    status: _s,
    startAt: _a,
    cancelRequested: _c,
    promises: _p,
    mailbox: _m,
    ...body
  } = record;
  return body;
}

/** Names are user data (`__proto__` included): define, never assign. */
function define(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
}
