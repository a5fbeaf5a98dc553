import type { Registry } from '@durable-runtime/core';
import type { ExecutionRef, StartRequest } from '@durable-runtime/core/spi';
import type { AttemptJournal } from './attempt-journal.js';
import type { Cancellation } from './cancellation.js';
import type { Children } from './children.js';
import type { LeafOptions } from './leaf-options.js';
import type { LocalStore } from './local-store.js';
import type { PromiseStore } from './promise-store.js';
import type { Slots } from './slots.js';
import type { StateJournal } from './state-journal.js';

/** What a running workflow reaches of its runtime: the registry, the store and the emulated features. */
export interface WorkflowHost {
  readonly registry: Registry;
  /** The largest payload in bytes of JSON (checked by core). */
  readonly maxPayloadBytes: number;
  readonly store: PromiseStore;
  readonly slots: Slots;
  readonly cancellation: Cancellation;
  readonly attempts: AttemptJournal;
  /** Whether the runtime was closed: its worker may no longer record anything (a crashed worker would not). */
  readonly closed: boolean;
  readonly state: StateJournal;
  readonly children: Children;
  /**
   * Local mode with in-process bookkeeping: the store, which tells a running pass of the settlements it waits for;
   * `undefined` where a pass reads its waiters itself (a server, PostgreSQL, a store with `'server'` bookkeeping).
   */
  readonly inProcess: LocalStore | undefined;
  /**
   * The group as a Resonate target (an address, what `options({ target: group }).target` gives): the target of timers
   * and children. Passing an address spares the SDK's options builder a failed URL parse (a thrown exception) per call.
   */
  readonly target: string;
  /** The options of the adapter's leaves, built once. */
  readonly leafOptions: LeafOptions;
  /** Starts an execution once (`delayMs` defers its first run); does nothing when the id exists. */
  startExecution(request: StartRequest, delayMs: number | undefined): Promise<void>;
  /** Requests the cancellation of an execution (a child whose parent was cancelled); a no-op once it ended. */
  cancelExecution(ref: ExecutionRef): Promise<void>;
  /**
   * Appends a message to a channel of an execution; rejects with `ExecutionNotFoundError` for an unknown one.
   * `nonce` identifies this send across retries.
   */
  deliverMessage(
    ref: ExecutionRef,
    channel: string,
    message: unknown,
    nonce: string,
    fromStart: boolean,
  ): Promise<void>;
}
