/** Where the SQLite engine keeps its file when no path is given. */
export const DEFAULT_SQLITE_PATH = '.durable/durable.sqlite';

/** How the SQLite store behaves. Every field has a default. */
export interface SqliteStoreOptions {
  /**
   * `normal` (the default): a commit survives a kill of the process (kill -9 included) but may be lost by a power
   * failure or an OS crash. `full`: it survives those too, at the cost of one fsync per commit (each step then costs
   * about as much as the disk's fsync, typically 0.5-10 ms instead of tens of microseconds).
   */
  readonly synchronous?: 'normal' | 'full';
  /**
   * How long a worker's claim on an execution lasts without renewal: a worker killed mid-execution has its
   * executions taken over by another worker within this time (renewed every third of it). @default 5000
   */
  readonly leaseMs?: number;
  /** How often a connection looks for changes made by other processes (deliveries, ends, new executions). @default 20 */
  readonly pollMs?: number;
  /** How long a call waits for another process's write lock before failing. @default 5000 */
  readonly busyTimeoutMs?: number;
  /** Ended executions are deleted this long after they ended. @default 7 days */
  readonly retentionMs?: number;
}

export const DEFAULT_LEASE_MS = 5_000;
export const DEFAULT_POLL_MS = 20;
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;
export const DEFAULT_RETENTION_MS = 7 * 24 * 3_600_000;
/** How often a worker deletes executions past their retention. */
export const RETENTION_SWEEP_MS = 3_600_000;
