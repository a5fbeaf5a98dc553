import type { ErrorShape } from '@durable-runtime/core';
import type { ExecutionOutcome, PromiseSettlement } from '@durable-runtime/core/spi';

/** The kinds of journaled operation. */
export type OperationKind =
  | 'step'
  | 'sleep'
  | 'promise'
  | 'receive'
  | 'state.get'
  | 'state.set'
  | 'state.delete'
  | 'send'
  | 'call'
  | 'start'
  | 'now'
  | 'random'
  | 'uuid';

/** One recorded operation of an execution, in program order. */
export interface JournalEntry {
  readonly seq: number;
  readonly kind: OperationKind;
  readonly name: string;
  /** Set once the operation finished: its JSON result, or the error it threw. */
  result?: { readonly value: unknown } | { readonly error: ErrorShape };
  /** Epoch ms at which a sleep wakes or a wait times out; fixed when the operation first runs. */
  deadline?: number;
  /** Step attempts that failed so far (an attempt interrupted by a crash is not one: it runs again). */
  failedAttempts?: number;
  /** The operation was interrupted by the execution's cancellation: it throws `CancelledError` on replay too. */
  cancelled?: true;
  /** Its place in the order the execution's operations completed (0 first): a replay resolves them in this order. */
  done?: number;
  /** Epoch ms before which the next step attempt must not start. */
  retryAt?: number;
}

/** Everything the memory engine knows about one execution. Plain JSON, so any store can persist it. */
export interface ExecutionRecord {
  readonly id: string;
  readonly workflowName: string;
  readonly input: unknown;
  status: 'scheduled' | 'running' | 'completed' | 'failed' | 'cancelled';
  /** For a delayed child: when it starts. */
  startAt?: number;
  outcome?: ExecutionOutcome;
  cancelRequested: boolean;
  journal: JournalEntry[];
  /** How many operations have completed (the next `done`). */
  completions?: number;
  state: Record<string, unknown>;
  /** Settlements delivered from outside, by promise name; the first one is kept. */
  promises: Record<string, PromiseSettlement>;
  /** Messages not yet received, by channel, oldest first. */
  mailbox: Record<string, unknown[]>;
}

/**
 * Where the memory engine keeps executions. Synchronous on purpose: each engine step reads and writes whole records
 * without interleaving. Implement it over a file or a database to make the memory engine survive a process restart.
 */
export interface ExecutionStore {
  read(id: string): ExecutionRecord | undefined;
  write(record: ExecutionRecord): void;
  ids(): string[];
}

/**
 * The default store: a map of JSON strings. Every record is serialized on write and parsed on read, so no object is
 * shared between the engine and the store (a crashed runtime cannot corrupt what a new runtime reads).
 */
export function createInMemoryStore(): ExecutionStore {
  const records = new Map<string, string>();
  return {
    read(id) {
      const json = records.get(id);
      return json === undefined ? undefined : (JSON.parse(json) as ExecutionRecord);
    },
    write(record) {
      records.set(record.id, JSON.stringify(record));
    },
    ids: () => [...records.keys()],
  };
}
