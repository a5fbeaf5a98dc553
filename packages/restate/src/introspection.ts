import { type AdminClient, sqlString } from './admin-client.js';
import {
  type ExecutionRecord,
  RECORD_STATE,
  type StoredValue,
  stateKey,
  userStateKey,
  WORKFLOW_HEADER,
} from './protocol.js';

/** Ids per query of {@link Introspection.records} (a query is one HTTP request: kept well under size limits). */
const RECORDS_PER_QUERY = 200;

/** What the workflow's state holds for an execution: its record (null before its run recorded itself) and entries. */
export interface StoredExecution {
  readonly record: ExecutionRecord | null;
  /** The user's entries that were asked for, by user key (own properties, `__proto__` included). */
  readonly entries: Readonly<Record<string, unknown>>;
}

/**
 * Reads an execution's record and state with the admin API's SQL introspection (the `state` table), which answers
 * from the server's storage: no worker is needed, so an ended execution can be read while no endpoint is served.
 */
export class Introspection {
  constructor(
    private readonly admin: AdminClient,
    private readonly workflowService: string,
  ) {}

  /** The record and the entry `key` (every entry when `key` is undefined). */
  async read(executionId: string, key: string | undefined): Promise<StoredExecution> {
    const keys = key === undefined ? '' : ` AND key IN (${sqlString(RECORD_STATE)}, ${sqlString(stateKey(key))})`;
    const rows = await this.admin.query<{ key: string; value_utf8: string | null }>(
      `SELECT key, value_utf8 FROM state WHERE service_name = ${sqlString(this.workflowService)} AND service_key = ${sqlString(executionId)}${keys}`,
    );
    let record: ExecutionRecord | null = null;
    const entries: Record<string, unknown> = {};
    for (const row of rows) {
      if (row.value_utf8 === null) continue;
      if (row.key === RECORD_STATE) record = JSON.parse(row.value_utf8) as ExecutionRecord;
      const userKey = userStateKey(row.key);
      if (userKey !== undefined) setEntry(entries, userKey, (JSON.parse(row.value_utf8) as StoredValue).v);
    }
    return { record, entries };
  }

  /** The records of these executions, by id (absent: not recorded, or unknown). */
  async records(executionIds: readonly string[]): Promise<Map<string, ExecutionRecord>> {
    const records = new Map<string, ExecutionRecord>();
    for (let start = 0; start < executionIds.length; start += RECORDS_PER_QUERY) {
      const ids = executionIds.slice(start, start + RECORDS_PER_QUERY).map(sqlString);
      const rows = await this.admin.query<{ service_key: string; value_utf8: string | null }>(
        `SELECT service_key, value_utf8 FROM state WHERE service_name = ${sqlString(this.workflowService)} AND key = ${sqlString(RECORD_STATE)} AND service_key IN (${ids.join(', ')})`,
      );
      for (const row of rows) {
        if (row.value_utf8) records.set(row.service_key, JSON.parse(row.value_utf8) as ExecutionRecord);
      }
    }
    return records;
  }

  /**
   * The run of an execution that has not recorded itself (no worker has run it yet): its invocation id and, from the
   * {@link WORKFLOW_HEADER} of its input, its workflow. Undefined when no run has this id.
   */
  async pendingRun(executionId: string): Promise<{ invocationId: string; workflowName?: string } | undefined> {
    const header = `"${WORKFLOW_HEADER}","value":"([^"]*)"`;
    const rows = await this.admin.query<{ id: string; workflow: string[] | null }>(
      `SELECT i.id, regexp_match(j.entry_json, ${sqlString(header)}) AS workflow FROM sys_invocation i JOIN sys_journal j ON j.id = i.id WHERE i.target_service_name = ${sqlString(this.workflowService)} AND i.target_service_key = ${sqlString(executionId)} AND i.target_handler_name = 'run' AND j.index = 0`,
    );
    const row = rows[0];
    if (!row) return undefined;
    const encoded = row.workflow?.[0];
    return encoded === undefined
      ? { invocationId: row.id }
      : { invocationId: row.id, workflowName: decodeURIComponent(encoded) };
  }

  /** The record of an execution, null before its run recorded itself (or for an unknown id). */
  async record(executionId: string): Promise<ExecutionRecord | null> {
    const rows = await this.admin.query<{ value_utf8: string | null }>(
      `SELECT value_utf8 FROM state WHERE service_name = ${sqlString(this.workflowService)} AND service_key = ${sqlString(executionId)} AND key = ${sqlString(RECORD_STATE)}`,
    );
    const value = rows[0]?.value_utf8;
    return value ? (JSON.parse(value) as ExecutionRecord) : null;
  }
}

/** A caller of {@link RecordBatch.record}: asked at the end of the window whether it still wants the record. */
interface BatchWaiter {
  readonly wanted: () => boolean;
  readonly resolve: (record: ExecutionRecord | null | undefined) => void;
}

/**
 * Reads records for many callers with one query per window: what `result()` uses to tell, while it waits, whether
 * the execution belongs to its workflow, without a query per execution. Records no caller wants any more at the end
 * of the window (its execution ended meanwhile) are not read.
 */
export class RecordBatch {
  #pending = new Map<string, BatchWaiter[]>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly introspection: Introspection,
    private readonly windowMs: number,
  ) {}

  /**
   * The record of `executionId` at the end of the window (null before its run recorded itself); undefined when it
   * could not be read, or `wanted()` said no.
   */
  record(executionId: string, wanted: () => boolean): Promise<ExecutionRecord | null | undefined> {
    return new Promise((resolve) => {
      const waiter = { wanted, resolve };
      const waiting = this.#pending.get(executionId);
      if (waiting) waiting.push(waiter);
      else this.#pending.set(executionId, [waiter]);
      this.#timer ??= setTimeout(this.#flush, this.windowMs).unref();
    });
  }

  readonly #flush = (): void => {
    const batch = new Map<string, BatchWaiter[]>();
    for (const [id, waiting] of this.#pending) {
      const wanted = waiting.filter((waiter) => waiter.wanted());
      for (const waiter of waiting) if (!wanted.includes(waiter)) waiter.resolve(undefined);
      if (wanted.length > 0) batch.set(id, wanted);
    }
    this.#pending = new Map();
    this.#timer = undefined;
    if (batch.size === 0) return;
    this.introspection.records([...batch.keys()]).then(
      (records) => {
        for (const [id, waiting] of batch) for (const { resolve } of waiting) resolve(records.get(id) ?? null);
      },
      () => {
        for (const waiting of batch.values()) for (const { resolve } of waiting) resolve(undefined);
      },
    );
  };
}

/** Sets an own property, also for `__proto__` (an assignment would set the object's prototype instead). */
export function setEntry(entries: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(entries, key, { value, enumerable: true, writable: true, configurable: true });
}
