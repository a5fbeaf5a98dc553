import { fromErrorShape } from '@durable-runtime/core';
import type { ExecutionOutcome, ExecutionRef, StartRequest } from '@durable-runtime/core/spi';
import {
  ActivityFailure,
  ChildWorkflowCancellationType,
  ChildWorkflowFailure,
  executeChild,
  isCancellation,
  ParentClosePolicy,
  proxyActivities,
  startChild as startTemporalChild,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { isEndRecord } from './end-record.js';
import { failedOutcome, failureToShape } from './failures.js';
import { OUTCOME_ACTIVITY, START_DELAY_MEMO, STEP_HEARTBEAT_TIMEOUT_MS } from './names.js';
import { limitMemo } from './payload-limit.js';

/** How long a `ctx.call` that attaches to an existing execution waits for its outcome. */
const ATTACH_TIMEOUT_MS = 365 * 24 * 60 * 60 * 1_000;

/**
 * Starts a child workflow and waits for its outcome. An id that already exists (started by someone else, running or
 * finished) is not started again: the outcome of the existing execution is awaited by an activity instead, which
 * rejects with core's `ValidationError` when that execution belongs to another workflow (rule 11). A cancellation of
 * this execution cancels the child at once (and so does this execution's end while the child runs).
 */
export async function callChild(request: StartRequest, maxPayloadBytes: number): Promise<ExecutionOutcome> {
  try {
    const result = await executeChild(request.workflowName, {
      workflowId: request.executionId,
      args: [request.input],
      ...memoOf(limitMemo(maxPayloadBytes)),
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      cancellationType: ChildWorkflowCancellationType.TRY_CANCEL,
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    });
    return { status: 'completed', value: isEndRecord(result) ? result.value : result };
  } catch (error) {
    if (isAlreadyStarted(error)) return awaitExisting(request);
    // A child cancelled by this execution's cancellation: the caller's wait turns it into CancelledError.
    if (error instanceof ChildWorkflowFailure) return failedOutcome(error.cause);
    throw error;
  }
}

/**
 * Starts a child that outlives its parent (parent close policy ABANDON), exactly once: the start is recorded in the
 * parent's history, and an id that already exists counts as started. A delay is waited inside the child before its
 * body runs (the child exists, running, from the start).
 */
export async function startChild(
  request: StartRequest,
  delayMs: number | undefined,
  maxPayloadBytes: number,
): Promise<void> {
  const delay = delayMs !== undefined && delayMs > 0 ? { [START_DELAY_MEMO]: delayMs } : {};
  try {
    await startTemporalChild(request.workflowName, {
      workflowId: request.executionId,
      args: [request.input],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      ...memoOf({ ...delay, ...limitMemo(maxPayloadBytes) }),
    });
  } catch (error) {
    if (!isAlreadyStarted(error)) throw error;
  }
}

async function awaitExisting(ref: ExecutionRef): Promise<ExecutionOutcome> {
  const { [OUTCOME_ACTIVITY]: outcome } = proxyActivities<
    Record<string, (ref: ExecutionRef) => Promise<ExecutionOutcome>>
  >({
    startToCloseTimeout: ATTACH_TIMEOUT_MS,
    heartbeatTimeout: STEP_HEARTBEAT_TIMEOUT_MS,
    retry: { initialInterval: 1_000, maximumInterval: 10_000 },
  });
  try {
    return await (outcome as (ref: ExecutionRef) => Promise<ExecutionOutcome>)({
      workflowName: ref.workflowName,
      executionId: ref.executionId,
    });
  } catch (error) {
    if (error instanceof ActivityFailure && !isCancellation(error)) throw fromErrorShape(failureToShape(error));
    throw error;
  }
}

/** The `memo` option for `fields`, left out when there are none (a memo adds to the child's history). */
function memoOf(fields: Record<string, unknown>): { memo?: Record<string, unknown> } {
  return Object.keys(fields).length > 0 ? { memo: fields } : {};
}

/** The start of a child whose id exists (checked by name: the class is not exported by @temporalio/workflow). */
function isAlreadyStarted(error: unknown): boolean {
  return error instanceof Error && error.name === 'WorkflowExecutionAlreadyStartedError';
}
