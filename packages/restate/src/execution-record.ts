import * as restate from '@restatedev/restate-sdk';
import type { DescribeInput, ExecutionRecord, ServiceNames } from './protocol.js';

/** Whether the run of an execution exists (asked through the ingress when the run has not recorded itself). */
export type RunExists = (executionId: string) => Promise<boolean>;

/** Calls the workflow's `describe` handler for `executionId` from a handler (see {@link DescribeInput}). */
export function describeExecution(
  ctx: restate.Context,
  names: ServiceNames,
  executionId: string,
  wait: boolean,
): restate.RestatePromise<ExecutionRecord | null> {
  return ctx.genericCall<DescribeInput, ExecutionRecord | null>({
    service: names.workflow,
    method: 'describe',
    key: executionId,
    parameter: { wait },
    inputSerde: restate.serde.json as restate.Serde<DescribeInput>,
    outputSerde: restate.serde.json as restate.Serde<ExecutionRecord | null>,
  });
}
