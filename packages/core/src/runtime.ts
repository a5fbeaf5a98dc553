import type { Capabilities } from './capabilities.js';
import type { AnyWorkflow, InputOf, OutputOf } from './definitions.js';

/** The life-cycle state of an execution. */
export type ExecutionStatus = 'running' | 'completed' | 'failed' | 'cancelled';

/** Options of `runtime.start` and `runtime.run`. */
export interface StartOptions {
  /**
   * The execution id and idempotency key: starting an id that exists (running or finished) attaches to that
   * execution. 1-512 characters from `A-Z a-z 0-9 . _ ~ -`. A random id when absent.
   */
  readonly id?: string;
}

/** A reference to one execution, obtained from `runtime.start` or `runtime.handle`. */
export interface ExecutionHandle<W extends AnyWorkflow = AnyWorkflow> {
  readonly id: string;
  readonly workflowName: W['name'];
  /** Waits for the end. @throws WorkflowFailedError when the execution failed or was cancelled. */
  result(): Promise<OutputOf<W>>;
  status(): Promise<ExecutionStatus>;
  /**
   * Delivers a value to `ctx.promise(name)`, also before the workflow waits. The first settlement wins.
   * @returns `true` when this value won, `false` when the promise was already settled (this one is ignored).
   * @throws ExecutionEndedError when the execution has ended: nothing was delivered.
   */
  resolvePromise(name: string, value: unknown): Promise<boolean>;
  /**
   * Delivers an error to `ctx.promise(name)`: the workflow sees an error with this name and message.
   * @returns `true` when this rejection won. @throws ExecutionEndedError when the execution has ended.
   */
  rejectPromise(name: string, error: Error | string): Promise<boolean>;
  /** Reads one state entry (or all of them), while the execution runs and after it ended. */
  getState<T = unknown>(key: string): Promise<T | undefined>;
  getState(): Promise<Record<string, unknown>>;
  /**
   * Appends a message to a channel of the execution; `ctx.receive(channel)` takes them in order.
   * @throws ExecutionEndedError when the execution has ended: nothing was delivered.
   */
  send(channel: string, message: unknown): Promise<void>;
  /**
   * Cancels the execution, durably once this returns: what it awaits throws `CancelledError`, and it ends
   * `cancelled` unless the workflow catches that error. A no-op for an execution that has ended.
   */
  cancel(): Promise<void>;
}

/** One durable-execution engine behind the common API. Create with `createRuntime(config, registry)`. */
export interface Runtime {
  /** The backend's name: `memory`, `temporal`, `restate`, `resonate` or another adapter's. */
  readonly backend: string;
  readonly capabilities: Capabilities;
  /** Starts an execution (or attaches to the one with this id) and returns its handle. */
  start<W extends AnyWorkflow>(workflow: W, input: InputOf<W>, options?: StartOptions): Promise<ExecutionHandle<W>>;
  /** Starts (or attaches) and waits for the result. */
  run<W extends AnyWorkflow>(workflow: W, input: InputOf<W>, options?: StartOptions): Promise<OutputOf<W>>;
  /** A handle on an execution by id. Acting on an id that was never started rejects with `ExecutionNotFoundError`. */
  handle<W extends AnyWorkflow>(workflow: W, id: string): ExecutionHandle<W>;
  /** Stops workers and connections this runtime opened. Executions stay durable in the engine. */
  close(): Promise<void>;
}
