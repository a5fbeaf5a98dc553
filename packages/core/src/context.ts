import type { AnyWorkflow, InputOf, OutputOf, StepDefinition } from './definitions.js';
import type { Duration } from './duration.js';
import type { RetryPolicy } from './retry.js';

/** Options of one `ctx.run`. */
export interface StepOptions {
  /** Retries; missing fields take `DEFAULT_RETRY_POLICY` (5 attempts, 1 s doubling up to 60 s). */
  readonly retry?: RetryPolicy;
  /** Time limit of each attempt; an attempt that exceeds it fails with a `TimeoutError` and may be retried. */
  readonly timeout?: Duration;
}

/** Options of `ctx.promise` and `ctx.receive`. */
export interface WaitOptions {
  /** How long to wait; then the call throws a catchable `TimeoutError`. Waits forever when absent. */
  readonly timeout?: Duration;
}

/** Options of a child execution started with `ctx.call`. */
export interface CallOptions {
  /** The child's execution id. Defaults to an id derived from the parent's id and the call's position. */
  readonly id?: string;
}

/** Options of a fire-and-forget child execution started with `ctx.start`. */
export interface StartChildOptions extends CallOptions {
  /** Start the child after this delay. */
  readonly delay?: Duration;
}

/** Identifies an execution: the workflow (definition or name) and the execution id. */
export interface ExecutionTarget {
  readonly workflow: AnyWorkflow | string;
  readonly id: string;
}

/** A child started with `ctx.start`. */
export interface ChildExecution {
  readonly workflowName: string;
  readonly id: string;
}

/** Per-execution key/value state. Values are JSON. Readable from outside with `handle.getState(key)`. */
export interface ExecutionState {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * What a workflow can do. Every method is durable: its outcome is recorded, and a replay, a crash or a restart
 * returns the recorded outcome instead of doing the work again.
 */
export interface DurableContext {
  /** The id of this execution. */
  readonly executionId: string;
  /** The name of this execution's workflow. */
  readonly workflowName: string;

  /**
   * Runs a step and records its result. A recorded step never runs again for this execution.
   * Failed attempts are retried by `options.retry`; a `TerminalError` is never retried.
   * @throws StepFailedError when the attempts ran out, carrying the last error's name and message. Catchable.
   */
  run<TArgs, TResult>(
    step: StepDefinition<string, TArgs, TResult>,
    args: TArgs,
    options?: StepOptions,
  ): Promise<TResult>;

  /** Waits durably; never wakes early, survives restarts. */
  sleep(duration: Duration): Promise<void>;
  /** Waits durably until a point in time (returns at once when it is past). */
  sleepUntil(time: Date | number): Promise<void>;

  /**
   * Waits for a value delivered from outside with `handle.resolvePromise(name, value)` (or an error with
   * `rejectPromise`). A resolution that arrived before the wait is kept; the first resolution wins.
   * @throws TimeoutError when `options.timeout` passes first. Catchable.
   */
  promise<T = unknown>(name: string, options?: WaitOptions): Promise<T>;

  /** Per-execution key/value state. */
  readonly state: ExecutionState;

  /** Sends a message to another execution's channel (FIFO per channel, never lost or duplicated). */
  send(target: ExecutionTarget, channel: string, message: unknown): Promise<void>;
  /**
   * Takes the next message of a channel, waiting for one if none is buffered.
   * @throws TimeoutError when `options.timeout` passes first; no message is consumed then. Catchable.
   */
  receive<T = unknown>(channel: string, options?: WaitOptions): Promise<T>;

  /**
   * Starts a child execution (or attaches to it when its id exists) and waits for its result.
   * @throws WorkflowFailedError when the child fails. Catchable.
   */
  call<W extends AnyWorkflow>(workflow: W, input: InputOf<W>, options?: CallOptions): Promise<OutputOf<W>>;
  /** Starts a child execution exactly once and does not wait for it. */
  start<W extends AnyWorkflow>(workflow: W, input: InputOf<W>, options?: StartChildOptions): Promise<ChildExecution>;

  /** The current time, recorded: the same value on replay. */
  now(): Promise<Date>;
  /** A random number in [0, 1), recorded. */
  random(): Promise<number>;
  /** A random UUID v4, recorded. */
  uuid(): Promise<string>;
}
