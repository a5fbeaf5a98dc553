import type { ExecutionOutcome } from '@durable-runtime/core/spi';
import { ApplicationFailure, CancelledFailure, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { isEndRecord } from './workflow/end-record.js';
import { failedOutcome } from './workflow/failures.js';

/** An ended execution as recorded: its outcome and, when the record kept it, its final state. */
export interface EndedExecution {
  readonly outcome: ExecutionOutcome;
  readonly state: Record<string, unknown> | undefined;
}

/**
 * Waits for the end of an execution and reads what it recorded (the workflow's {@link EndRecord}): answered by the
 * server alone once the execution has ended.
 */
export async function readEnd(handle: WorkflowHandle): Promise<EndedExecution> {
  try {
    const result = await handle.result();
    if (!isEndRecord(result)) return { outcome: { status: 'completed', value: result }, state: undefined };
    return { outcome: { status: 'completed', value: result.value }, state: result.state };
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) throw error;
    const cause = error.cause;
    const details =
      cause instanceof ApplicationFailure || cause instanceof CancelledFailure ? cause.details : undefined;
    const record = details?.[1];
    return { outcome: failedOutcome(cause), state: isEndRecord(record) ? record.state : undefined };
  }
}
