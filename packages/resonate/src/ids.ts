/**
 * The durable promise ids the adapter uses besides the SDK's own. Every one lives in the lineage of the execution's
 * root promise (`<executionId>:<segment>`, exactly one `:`), so it can never collide with an execution id (which has
 * no `:`) nor with the SDK's positional ids (`<executionId>:<number>`). Names are percent-encoded, dots included, so
 * that the trailing `.<index>` of a slot id is unambiguous.
 */

/** The tag that marks a root promise as an execution of a durable-runtime workflow, naming the workflow. */
export const WORKFLOW_TAG = 'durable-runtime:workflow';

/** Encodes a user-chosen name (promise, channel or state key) into one id segment. */
export function encodeSegment(name: string): string {
  return encodeURIComponent(name).replace(/[.!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export const promiseIds = {
  /** Round `round` of the named durable promise: where a resolution meets the workflow's wait. */
  promiseSlot: (executionId: string, name: string, round: number) => `${executionId}:p.${encodeSegment(name)}.${round}`,
  /** Slot `index` of a channel's mailbox: the index-th message, or the index-th receive that timed out. */
  mailboxSlot: (executionId: string, channel: string, index: number) =>
    `${executionId}:m.${encodeSegment(channel)}.${index}`,
  /** Slot `index` of an execution's watch list: a parent waiting for its outcome, or the outcome itself. */
  watch: (executionId: string, index: number) => `${executionId}:c.${index}`,
  /** The index-th wait of an execution: names the durable promise a cancellation must settle. */
  wait: (executionId: string, index: number) => `${executionId}:w.${index}`,
  /**
   * The acknowledgement of the waiter `waitId` (`<executionId>:<position>`): the stamp of the moment the workflow
   * learned of its settlement, when the order of completions mattered (see `scheduler.ts`).
   */
  ack: (waitId: string) => {
    const separator = waitId.indexOf(':');
    return `${waitId.slice(0, separator)}:a.${waitId.slice(separator + 1)}`;
  },
  /** Exists once the execution was asked to cancel. */
  cancel: (executionId: string) => `${executionId}:cancel`,
  /** The `index`-th failed attempt of the step whose promise is `stepId` (`<executionId>:<position>`). */
  failedAttempt: (stepId: string, index: number) => {
    const separator = stepId.indexOf(':');
    return `${stepId.slice(0, separator)}:f.${stepId.slice(separator + 1)}.${index}`;
  },
  /** The state snapshot after the index-th state change. */
  state: (executionId: string, index: number) => `${executionId}:s.${index}`,
  /** The id the SDK gives the operation at `position` of a root execution (`ctx.run`, `ctx.sleep`, `ctx.promise`). */
  position: (executionId: string, position: number) => `${executionId}:${position}`,
} as const;

/** The execution a promise id belongs to: everything before its first `:`. */
export function originOf(id: string): string {
  const separator = id.indexOf(':');
  return separator === -1 ? id : id.slice(0, separator);
}
