import type { ErrorShape } from '@durable-runtime/core';
import type { ExecutionOutcome, PromiseSettlement } from '@durable-runtime/core/spi';

/**
 * What the adapter's Restate services exchange. Three services serve every registered workflow (handler names are
 * fixed per deployment, so the set is static):
 *
 * - the **workflow** (`<prefix>Workflow`, key = execution id): its `run` is the execution. Restate runs it once per
 *   key, which makes starts exactly-once; its first command records the {@link ExecutionRecord} in the workflow's
 *   state (shared handlers read it without a round trip: Restate ships small state with the invocation), then it executes the registered workflow named in its input and returns the
 *   {@link ExecutionOutcome} as data (a failed or cancelled execution still completes the Restate invocation), see
 *   {@link RunOutput}. Shared handlers describe the execution, settle durable promises and read state from outside;
 *   they change nothing for an id whose run never recorded itself.
 * - the **mailbox** (`<prefix>Execution`, a virtual object keyed by execution id): exclusive handlers number the
 *   messages of each channel, so that message `n` resolves the workflow promise `m:<n>:<channel>`, which the
 *   execution hands to its receives in the order they were issued (see `ChannelReader`).
 * - the **step** service (`<prefix>Step`): its `attempt` runs one attempt of a step that the execution waits for beside
 *   other operations, so that the execution can suspend meanwhile (see `runStep`).
 */

/** The names of the adapter's Restate services. */
export interface ServiceNames {
  readonly workflow: string;
  readonly mailbox: string;
  /** A plain service whose `attempt` runs one step attempt of an execution (see `runStep`). */
  readonly step: string;
}

export function serviceNames(prefix: string): ServiceNames {
  return { workflow: `${prefix}Workflow`, mailbox: `${prefix}Execution`, step: `${prefix}Step` };
}

/** Input of the step service's `attempt` handler: one attempt of a step of an execution. */
export interface StepAttemptInput {
  readonly stepName: string;
  readonly args: unknown;
  readonly executionId: string;
  readonly attempt: number;
  readonly timeoutMs?: number;
}

/** Input of the workflow's `run` handler. */
export interface RunInput {
  readonly workflowName: string;
  /**
   * Chosen by the starter, unique per start: Restate derives a workflow run's invocation id from its key, so this is
   * what tells a run from an earlier one of the same id (reused after its retention ended).
   */
  readonly runId: string;
  readonly input: unknown;
  /** Starts the registered workflow after this many milliseconds (a durable sleep: the execution exists meanwhile). */
  readonly delayMs?: number;
}

/**
 * Header of a run submitted by a client: its workflow name (URI-encoded). Restate keeps it in the run's journal, where
 * a reader finds it before a worker ran the execution (and wrote its record).
 */
export const WORKFLOW_HEADER = 'x-durable-workflow';

/** Output of the workflow's `run` handler: the outcome, with the workflow's name (checked by readers). */
export interface RunOutput {
  readonly workflowName: string;
  readonly outcome: ExecutionOutcome;
}

/** What the run records about itself before anything else. */
export interface ExecutionRecord {
  readonly workflowName: string;
  /** The Restate invocation id of the run. */
  readonly invocationId: string;
  /** The {@link RunInput.runId} of the run. */
  readonly runId: string;
  /** How the execution ended, written by the run as its last command (absent while it runs). */
  readonly ended?: EndedStatus;
}

/** The status of an execution that has ended. */
export type EndedStatus = Exclude<ExecutionOutcome['status'], 'running'>;

/**
 * The answer of a handler about an execution: `unrecorded` when its run has not recorded itself (no such id, or a run
 * that has not begun yet: the caller tells them apart), `other` when the id belongs to another workflow, `ended` when
 * a delivery (settlement, message) reached an execution that has ended.
 */
export type Checked<T> =
  | { readonly execution: 'found'; readonly result: T }
  | { readonly execution: 'unrecorded' }
  | { readonly execution: 'other'; readonly workflowName: string }
  | { readonly execution: 'ended'; readonly status: EndedStatus };

/** Input of the workflow's shared `settle` handler. */
export interface SettleInput {
  readonly workflowName: string;
  /** The Restate promise name (see {@link promiseKey} and {@link messageKey}). */
  readonly name: string;
  readonly settlement: PromiseSettlement;
}

/** Input of the mailbox's `send` handler. */
export interface SendInput {
  readonly workflowName: string;
  readonly channel: string;
  readonly message: unknown;
}

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

/** Workflow state key of the {@link ExecutionRecord} (the user's keys are all prefixed, see {@link stateKey}). */
export const RECORD_STATE = 'execution';

/** Mailbox state keys. */
export const MAILBOX_STATE = {
  /** The run id of the run whose messages the sequence numbers count. */
  run: 'run',
  sequence: (channel: string) => `seq:${channel}`,
} as const;
