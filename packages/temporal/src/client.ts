import { ExecutionNotFoundError, type ExecutionStatus } from '@durable-runtime/core';
import type { EngineClient, ExecutionOutcome, ExecutionRef, StartRequest } from '@durable-runtime/core/spi';
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  type WorkflowHandle,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { temporalCapabilities } from './capabilities.js';
import { failedOutcome } from './workflow/failures.js';
import { MESSAGE_SIGNAL, PROMISE_SIGNAL, STATE_QUERY } from './workflow/names.js';

/** What Temporal's execution statuses mean in core's terms. */
const STATUS: Readonly<Record<string, ExecutionStatus>> = {
  RUNNING: 'running',
  CONTINUED_AS_NEW: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  TERMINATED: 'failed',
  TIMED_OUT: 'failed',
  CANCELLED: 'cancelled',
};

/**
 * Core's {@link EngineClient} on `@temporalio/client`. An execution is a workflow execution whose id is the execution
 * id; promises and messages are signals; state is a query; cancel is Temporal's cancellation request.
 */
export function createEngineClient(client: Client, taskQueue: string, close: () => Promise<void>): EngineClient {
  const handleOf = (ref: ExecutionRef) => client.workflow.getHandle(ref.executionId);

  /** Runs `act` on an execution; an unknown id rejects with core's not-found error, a closed one runs `onClosed`. */
  const onExisting = async (ref: ExecutionRef, act: (handle: WorkflowHandle) => Promise<void>) => {
    const handle = handleOf(ref);
    try {
      await act(handle);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      // Temporal answers "not found" for a closed execution too: an execution that exists has ended, nothing to do.
      await describe(handle, ref);
    }
  };

  return {
    backend: 'temporal',
    capabilities: temporalCapabilities,

    async start({ workflowName, executionId, input }: StartRequest) {
      try {
        await client.workflow.start(workflowName, {
          taskQueue,
          workflowId: executionId,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (error) {
        // A closed execution with this id exists: starting attaches to it.
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    },

    async outcome(ref): Promise<ExecutionOutcome> {
      try {
        return { status: 'completed', value: await handleOf(ref).result() };
      } catch (error) {
        if (error instanceof WorkflowFailedError) return failedOutcome(error.cause);
        throw notFound(ref, error);
      }
    },

    async status(ref) {
      const description = await describe(handleOf(ref), ref);
      return STATUS[description.status.name] ?? 'running';
    },

    settlePromise: (ref, name, settlement) =>
      onExisting(ref, (handle) => handle.signal(PROMISE_SIGNAL, name, settlement)),

    send: (ref, channel, message) => onExisting(ref, (handle) => handle.signal(MESSAGE_SIGNAL, channel, message)),

    async getState(ref, key) {
      try {
        return await handleOf(ref).query(STATE_QUERY, ...(key === undefined ? [] : [key]));
      } catch (error) {
        throw notFound(ref, error);
      }
    },

    cancel: (ref) => onExisting(ref, (handle) => handle.cancel().then(() => undefined)),

    close,
  };
}

async function describe(handle: WorkflowHandle, ref: ExecutionRef) {
  try {
    return await handle.describe();
  } catch (error) {
    throw notFound(ref, error);
  }
}

function notFound(ref: ExecutionRef, error: unknown): unknown {
  return error instanceof WorkflowNotFoundError ? new ExecutionNotFoundError(ref.workflowName, ref.executionId) : error;
}
