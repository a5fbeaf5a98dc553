import type { ExecutionOutcome, ExecutionRef, StartRequest } from '@durable-runtime/core/spi';
import {
  CancellationScope,
  ChildWorkflowFailure,
  executeChild,
  isCancellation,
  ParentClosePolicy,
  proxyActivities,
  startChild as startTemporalChild,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { failedOutcome } from './failures.js';
import { OUTCOME_ACTIVITY, START_DELAY_MEMO, STEP_HEARTBEAT_TIMEOUT_MS } from './names.js';

/** How long a `ctx.call` that attaches to an existing execution waits for its outcome. */
const ATTACH_TIMEOUT_MS = 365 * 24 * 60 * 60 * 1_000;

/**
 * Starts a child workflow and waits for its outcome. An id that already exists (started by someone else, running or
 * finished) is not started again: the outcome of the existing execution is awaited by an activity instead.
 */
export async function callChild(request: StartRequest): Promise<ExecutionOutcome> {
  try {
    const value = await executeChild(request.workflowName, {
      workflowId: request.executionId,
      args: [request.input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    return { status: 'completed', value };
  } catch (error) {
    if (isAlreadyStarted(error)) return awaitExisting(request);
    // A child cancelled because this execution was cancelled: the cancellation propagates (as CancelledError).
    const parentCancelled = isCancellation(error) && CancellationScope.current().consideredCancelled;
    if (error instanceof ChildWorkflowFailure && !parentCancelled) return failedOutcome(error.cause);
    throw error;
  }
}

/**
 * Starts a child that outlives its parent (parent close policy ABANDON), exactly once: the start is recorded in the
 * parent's history, and an id that already exists counts as started. A delay is waited inside the child before its
 * body runs (the child exists, running, from the start).
 */
export async function startChild(request: StartRequest, delayMs: number | undefined): Promise<void> {
  try {
    await startTemporalChild(request.workflowName, {
      workflowId: request.executionId,
      args: [request.input],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      ...(delayMs !== undefined && delayMs > 0 ? { memo: { [START_DELAY_MEMO]: delayMs } } : {}),
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
  return (outcome as (ref: ExecutionRef) => Promise<ExecutionOutcome>)({
    workflowName: ref.workflowName,
    executionId: ref.executionId,
  });
}

/** The start of a child whose id exists (checked by name: the class is not exported by @temporalio/workflow). */
function isAlreadyStarted(error: unknown): boolean {
  return error instanceof Error && error.name === 'WorkflowExecutionAlreadyStartedError';
}
