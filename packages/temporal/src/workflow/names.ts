/**
 * Names the adapter uses on Temporal, shared by the worker, the client and the workflow sandbox. Internal names
 * contain a dot, which step and workflow names cannot (core allows letters, digits, `_` and `-`), so they never clash.
 */

/** Signal that settles a durable promise: args `[name, PromiseSettlement]`. */
export const PROMISE_SIGNAL = 'durable-runtime.promise';
/** Signal that appends a message to a channel: args `[channel, message]`. */
export const MESSAGE_SIGNAL = 'durable-runtime.message';
/** Query that reads execution state: args `[key?]`; without a key, the whole state object. */
export const STATE_QUERY = 'durable-runtime.state';
/** Memo field of a child started with a delay: the delay in milliseconds, waited before the body runs. */
export const START_DELAY_MEMO = 'durable-runtime.startDelayMs';
/**
 * Memo field of an execution started by a runtime whose `maxPayloadBytes` is not core's default: the limit the
 * workflow checks its payloads against (a workflow sandbox cannot read the worker's configuration). Children inherit it.
 */
export const PAYLOAD_LIMIT_MEMO = 'durable-runtime.maxPayloadBytes';
/** Activity that waits for the outcome of an existing execution (a `ctx.call` that attaches). */
export const OUTCOME_ACTIVITY = 'durable-runtime.outcome';
/** Activity that checks the target of a `ctx.send`: it exists, runs and belongs to the named workflow. */
export const SEND_TARGET_ACTIVITY = 'durable-runtime.sendTarget';

/** Heartbeat timeout of a step attempt: a killed worker's attempt is retried this long after its last heartbeat. */
export const STEP_HEARTBEAT_TIMEOUT_MS = 5_000;
/** Start-to-close timeout of a step attempt without a `timeout` of its own (a backstop; the heartbeat is the guard). */
export const DEFAULT_STEP_ATTEMPT_TIMEOUT_MS = 24 * 60 * 60 * 1_000;
/** Added to a step's own attempt timeout for Temporal's start-to-close timeout, so the worker's timer fires first. */
export const STEP_TIMEOUT_GRACE_MS = 2_000;

/**
 * Delay before Temporal runs again an attempt whose worker was lost or shut down (the only retries Temporal itself
 * does), always the same: a restart must not slow the next restart's recovery down.
 */
export const LOST_WORKER_RETRY_INTERVAL_MS = 1_000;

/** The second argument of a step's activity: the attempt number (counted by the workflow) and its time limit. */
export interface StepAttemptOptions {
  readonly attempt?: number;
  readonly timeoutMs?: number;
}

/**
 * Failure details an activity adds after the error shape: whether the workflow may retry the failure (the
 * activity itself is never retried by Temporal for an application failure).
 */
export interface AttemptFailureInfo {
  readonly retryable: boolean;
}
