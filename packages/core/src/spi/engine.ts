import type { Capabilities } from '../capabilities.js';
import type { ErrorShape } from '../errors.js';
import type { ResolvedRetryPolicy } from '../retry.js';
import type { ExecutionStatus } from '../runtime.js';

/**
 * The adapter SPI. An adapter implements two small interfaces: {@link EngineContext} (the primitives a running
 * workflow uses, inside the engine) and {@link EngineClient} (what the application does from outside). Core wraps
 * them into the public `DurableContext` and `Runtime`, and does everything engine-neutral itself: validation,
 * JSON checks, durations, retry defaults, error construction. Every value an adapter receives is already plain JSON
 * and every duration is in milliseconds.
 */

/** One execution: its workflow's name and its id. */
export interface ExecutionRef {
  readonly workflowName: string;
  readonly executionId: string;
}

/** A request to start an execution (idempotent on `executionId`). `input` is validated JSON. */
export interface StartRequest extends ExecutionRef {
  readonly input: unknown;
}

/** A step to run with its resolved policy. */
export interface StepRequest {
  readonly stepName: string;
  readonly args: unknown;
  readonly retry: ResolvedRetryPolicy;
  /** Time limit of one attempt, in milliseconds. */
  readonly timeoutMs?: number | undefined;
}

/** How a step ended: its JSON result, or the last attempt's error after `attempts` attempts. */
export type StepOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: ErrorShape; readonly attempts: number };

/** How a wait for a promise or a message ended. */
export type WaitOutcome =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'error'; readonly error: ErrorShape }
  | { readonly kind: 'timeout' };

/** A settlement delivered to a durable promise from outside. */
export type PromiseSettlement =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'error'; readonly error: ErrorShape };

/** How an execution ended. */
export type ExecutionOutcome =
  | { readonly status: 'completed'; readonly value: unknown }
  | { readonly status: 'failed' | 'cancelled'; readonly error: ErrorShape };

/**
 * The primitives of a running workflow, implemented by the adapter on its engine. Every method must be durable
 * (recorded once, replayed after a crash) and may reject with `CancelledError` once the execution is cancelled.
 * A method whose feature the backend lacks rejects with `UnsupportedFeatureError`.
 */
export interface EngineContext extends ExecutionRef {
  runStep(request: StepRequest): Promise<StepOutcome>;
  sleep(ms: number): Promise<void>;
  /** Waits for the named durable promise; `timeoutMs` undefined waits forever. */
  promise(name: string, timeoutMs: number | undefined): Promise<WaitOutcome>;
  getState(key: string): Promise<unknown>;
  setState(key: string, value: unknown): Promise<void>;
  deleteState(key: string): Promise<void>;
  /** Appends a message to another execution's channel; rejects with `ExecutionNotFoundError` if it does not exist. */
  send(target: ExecutionRef, channel: string, message: unknown): Promise<void>;
  /** Takes the next message of a channel (`kind: 'value'`) or times out without consuming one. */
  receive(channel: string, timeoutMs: number | undefined): Promise<WaitOutcome>;
  /** Starts (or attaches to) a child and waits for its outcome. */
  callChild(request: StartRequest): Promise<ExecutionOutcome>;
  /** Starts a child exactly once, after `delayMs` when given. */
  startChild(request: StartRequest, delayMs: number | undefined): Promise<void>;
  now(): Promise<number>;
  random(): Promise<number>;
  uuid(): Promise<string>;
}

/** What the application does from outside an execution, implemented by the adapter. */
export interface EngineClient {
  readonly backend: string;
  readonly capabilities: Capabilities;
  /** Starts an execution, or does nothing when one with this id exists (also under concurrent calls). */
  start(request: StartRequest): Promise<void>;
  /** Waits for the end. Rejects with `ExecutionNotFoundError` for an unknown id. */
  outcome(ref: ExecutionRef): Promise<ExecutionOutcome>;
  status(ref: ExecutionRef): Promise<ExecutionStatus>;
  /**
   * Settles a durable promise; the first settlement wins. Resolves `true` when this one won. Rejects with
   * `ExecutionNotFoundError` for an unknown id (or one of another workflow) and `ExecutionEndedError` once the
   * execution has ended.
   */
  settlePromise(ref: ExecutionRef, name: string, settlement: PromiseSettlement): Promise<boolean>;
  /** One state entry (`undefined` when absent), or the whole state object when `key` is undefined. */
  getState(ref: ExecutionRef, key: string | undefined): Promise<unknown>;
  /** Appends a message; rejects with `ExecutionEndedError` once the execution has ended. */
  send(ref: ExecutionRef, channel: string, message: unknown): Promise<void>;
  /** Requests cancellation, durably before it resolves; a no-op for an ended execution. */
  cancel(ref: ExecutionRef): Promise<void>;
  close(): Promise<void>;
}
