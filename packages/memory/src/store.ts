import type { ErrorShape } from '@durable-runtime/core';
import type { ExecutionOutcome, OperationKind, PromiseSettlement } from '@durable-runtime/core/spi';

/** The kinds of journaled operation: core's naming of operations for replay checks. */
export type { OperationKind } from '@durable-runtime/core/spi';

/** One recorded operation of an execution, in program order. */
export interface JournalEntry {
  readonly seq: number;
  readonly kind: OperationKind;
  /** The operation's detail (step or promise name, channel, state key, target): see core's `operationName`. */
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

/** The status of an execution as stored: `scheduled` is a delayed start not begun yet. */
export type RecordStatus = 'scheduled' | 'running' | 'completed' | 'failed' | 'cancelled';

/**
 * Everything the engine knows about one execution. Plain JSON, so any store can persist it. Two kinds of field:
 * those the worker running the execution writes ({@link StoreConnection.write}), and the inbound ones (`promises`,
 * `mailbox`, `cancelRequested`) that only deliveries from outside change, so that a delivery and the worker's
 * progress never overwrite each other.
 */
export interface ExecutionRecord {
  readonly id: string;
  readonly workflowName: string;
  readonly input: unknown;
  status: RecordStatus;
  /** For a delayed child: when it starts. */
  startAt?: number;
  outcome?: ExecutionOutcome;
  journal: JournalEntry[];
  /** How many operations have completed (the next `done`). */
  completions?: number;
  state: Record<string, unknown>;
  /** Messages taken so far, by channel: the next receive takes `mailbox[channel][received[channel]]`. */
  received?: Record<string, number>;
  /** Inbound: a cancellation was requested. */
  cancelRequested: boolean;
  /** Inbound: settlements delivered from outside, by promise name; the first one is kept. */
  promises: Record<string, PromiseSettlement>;
  /** Inbound: every message delivered, by channel, oldest first (append only). */
  mailbox: Record<string, unknown[]>;
}

/** The inbound fields of a record: what deliveries from outside change. */
export type InboundFields = Pick<ExecutionRecord, 'cancelRequested' | 'promises' | 'mailbox'>;

export const ENDED_STATUSES: ReadonlySet<RecordStatus> = new Set(['completed', 'failed', 'cancelled']);

/** Thrown by {@link StoreConnection.write} when another worker took the execution over (this one's claim lapsed). */
export class ClaimLostError extends Error {
  constructor(readonly executionId: string) {
    super(`Execution '${executionId}' was taken over by another worker`);
    this.name = 'ClaimLostError';
  }
}

/**
 * One engine's connection to a store. Synchronous on purpose: each engine step reads and writes whole records
 * without interleaving. Every method is atomic against the other connections of the store (other engines, in this
 * process or others), and an execution is run by one worker connection at a time: the one that created or claimed it.
 */
export interface StoreConnection {
  read(id: string): ExecutionRecord | undefined;
  /** The inbound fields only (cheaper than a full read). */
  readInbound(id: string): InboundFields | undefined;
  /** Records a new execution (claimed by this connection when it is a worker's); when the id is taken, writes nothing and returns the record that holds it. */
  create(record: ExecutionRecord): ExecutionRecord | undefined;
  /** Persists the fields the worker owns (never the inbound ones); an ended status releases the claim. @throws ClaimLostError */
  write(record: ExecutionRecord): void;
  /** Keeps the first settlement of a promise: `won` when this one is kept. */
  settle(id: string, name: string, settlement: PromiseSettlement): 'won' | 'lost' | 'ended';
  /** Appends a message to a channel. */
  deliver(id: string, channel: string, message: unknown): 'accepted' | 'ended';
  /** Ends a delayed execution not begun yet with `outcome`; flags a running one; nothing once it ended. */
  requestCancel(id: string, outcome: ExecutionOutcome): void;
  /** A delayed execution is due: `scheduled` becomes `running`. False when it is no longer scheduled. */
  begin(id: string): boolean;
  /** Claims an unfinished execution for this worker: false when another live worker runs it. */
  claim(id: string): boolean;
  /** Unfinished executions no live worker runs: a starting worker claims and resumes them. */
  claimable(): string[];
  /** Calls `listener` (later, never inside a call of this connection) with each execution that another connection changed or that became claimable. */
  subscribe(listener: (id: string) => void): void;
  /**
   * Makes every write so far durable. A store may group the worker's writes into one commit; the engine flushes
   * before each step attempt, so that a side effect never runs before what the execution recorded ahead of it.
   */
  flush(): void;
  /** Stops the connection. `release`: a clean stop, its executions can be claimed at once; otherwise a crash, its claims lapse on their own. */
  close(release: boolean): void;
}

/** Where executions are kept; each engine opens its own connection. */
export interface ExecutionStore {
  connect(options: { readonly worker: boolean }): StoreConnection;
  /** Reads a record as stored (for tests and tools). */
  read(id: string): ExecutionRecord | undefined;
  /** Every execution id in the store. */
  ids(): string[];
}

/** The record of a new execution: `running`, or `scheduled` until `startAt` (a delayed child). */
export function newRecord(
  execution: Pick<ExecutionRecord, 'id' | 'workflowName' | 'input'>,
  startAt?: number,
): ExecutionRecord {
  // Every field the engine sets later is declared here, so that a record keeps one shape while it runs (a field
  // set to undefined is left out of its JSON).
  return {
    id: execution.id,
    workflowName: execution.workflowName,
    input: execution.input,
    status: startAt === undefined ? 'running' : 'scheduled',
    startAt,
    outcome: undefined,
    completions: undefined,
    cancelRequested: false,
    journal: [],
    state: {},
    received: undefined,
    promises: {},
    mailbox: {},
  };
}

/** The record as the worker writes it: without its inbound fields. */
export function ownedFields(record: ExecutionRecord): Omit<ExecutionRecord, keyof InboundFields> {
  const { cancelRequested: _c, promises: _p, mailbox: _m, ...owned } = record;
  return owned;
}
