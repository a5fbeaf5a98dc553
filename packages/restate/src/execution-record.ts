import * as restate from '@restatedev/restate-sdk';
import type { ExecutionRecord, ServiceNames } from './protocol.js';

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
