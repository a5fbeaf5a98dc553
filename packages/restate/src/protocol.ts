import type { ErrorShape } from '@durable-runtime/core';
import type { ExecutionOutcome, PromiseSettlement } from '@durable-runtime/core/spi';

/**
 * What the adapter's Restate services exchange. Two services serve every registered workflow (handler names are
 * fixed per deployment, so the set is static):
 *
 * - the **workflow** (`<prefix>Workflow`, key = execution id): `run` executes the registered workflow named in its
 *   input and returns its {@link ExecutionOutcome} as data (a failed or cancelled execution still completes the
 *   Restate invocation), see {@link RunOutput}; shared handlers settle durable promises and read state from outside.
 * - the **execution object** (`<prefix>Execution`, a virtual object keyed by execution id): the record that the
 *   execution exists (written once, by the first start), the run's invocation id, its outcome once known, and the
 *   per-channel sequence numbers of the mailbox. Exclusive handlers serialize starts and sends per execution.
 */

/** The names of the two Restate services. */
export interface ServiceNames {
  readonly workflow: string;
  readonly execution: string;
}

export function serviceNames(prefix: string): ServiceNames {
  return { workflow: `${prefix}Workflow`, execution: `${prefix}Execution` };
}

/** Input of the workflow's `run` handler. */
export interface RunInput {
  readonly workflowName: string;
  readonly input: unknown;
}

/** Output of the workflow's `run` handler: the outcome, with the workflow's name (checked by readers). */
export interface RunOutput {
  readonly workflowName: string;
  readonly outcome: ExecutionOutcome;
}

/** Input of the execution object's `start` handler. */
export interface StartInput extends RunInput {
  /** Starts the run after this many milliseconds. */
  readonly delayMs?: number;
}

/** What the execution object knows about an execution (its `info` answer, also returned by `start`). */
export interface ExecutionInfo {
  readonly workflowName: string;
  /** The Restate invocation id of the workflow's `run`. */
  readonly invocationId: string;
  /** Set once the run reported its end. */
  readonly outcome?: ExecutionOutcome;
}

/** Answer of `start`: the execution (existing or just created). */
export interface StartResult extends ExecutionInfo {
  readonly created: boolean;
}

/** Input of the execution object's `send` handler. */
export interface SendInput {
  readonly workflowName: string;
  readonly channel: string;
  readonly message: unknown;
}

/** Answer of `send`: `delivered` false when no execution of that workflow has this id. */
export interface SendResult {
  readonly delivered: boolean;
}

/** Input of the workflow's shared `settle` handler. */
export interface SettleInput {
  /** The Restate promise name (see {@link promiseKey} and {@link messageKey}). */
  readonly name: string;
  readonly settlement: PromiseSettlement;
}

/** Input of the workflow's shared `state` handler: one key, or the whole state. */
export interface StateInput {
  readonly key?: string;
}

/** Answer of `state`: the entry (`found` false when absent), or every entry. */
export type StateResult =
  | { readonly found: boolean; readonly value?: unknown }
  | { readonly entries: Readonly<Record<string, unknown>> };

/** A state value as stored: wrapped, so that a stored `null` differs from an absent key. */
export interface StoredValue {
  readonly v: unknown;
}

/** The result of one step attempt, as journaled by `ctx.run`. */
export type AttemptResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: ErrorShape };

const USER_STATE = 's:';

/** Restate state key of a user state entry. */
export const stateKey = (key: string) => `${USER_STATE}${key}`;

/** The user key of a Restate state key, or undefined for the adapter's own keys. */
export const userStateKey = (restateKey: string) =>
  restateKey.startsWith(USER_STATE) ? restateKey.slice(USER_STATE.length) : undefined;

/** Restate promise name of the user's durable promise `name`. */
export const promiseKey = (name: string) => `p:${name}`;

/** Restate promise name of the `seq`-th message (0-based) of a channel. */
export const messageKey = (channel: string, seq: number) => `m:${seq}:${channel}`;

/** Execution-object state keys. */
export const EXECUTION_STATE = {
  workflowName: 'workflow',
  invocationId: 'invocation',
  outcome: 'outcome',
  sequence: (channel: string) => `seq:${channel}`,
} as const;
