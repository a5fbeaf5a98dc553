import * as restate from '@restatedev/restate-sdk';
import type { ExecutionRecord, ServiceNames } from './protocol.js';

/**
 * Backoff while a run exists but has not recorded itself yet (normally a few milliseconds after its submission):
 * `for (let wait = UNRECORDED_WAIT.firstMs; ; wait = nextUnrecordedWait(wait))`.
 */
export const UNRECORDED_WAIT: { readonly firstMs: number; readonly maxMs: number } = { firstMs: 5, maxMs: 1_000 };

export const nextUnrecordedWait = (ms: number): number => Math.min(ms * 2, UNRECORDED_WAIT.maxMs);

/** Whether the run of an execution exists (asked through the ingress when the run has not recorded itself). */
export type RunExists = (executionId: string) => Promise<boolean>;

/** Calls the workflow's `describe` handler for `executionId` from a handler: null while the run has not recorded itself. */
export function describeExecution(
  ctx: restate.Context,
  names: ServiceNames,
  executionId: string,
): restate.RestatePromise<ExecutionRecord | null> {
  return ctx.genericCall<null, ExecutionRecord | null>({
    service: names.workflow,
    method: 'describe',
    key: executionId,
    parameter: null,
    inputSerde: restate.serde.json as restate.Serde<null>,
    outputSerde: restate.serde.json as restate.Serde<ExecutionRecord | null>,
  });
}
