import { EngineConnectionError } from '@durable-runtime/core';
import type { WorkflowHandle } from '@temporalio/client';
import { isGrpcDeadline, REQUEST_TIMEOUT_MS } from './calls.js';
import type { StateAnswer } from './workflow/inbox.js';
import { STATE_QUERY } from './workflow/names.js';

/**
 * Reads an execution's state from the workflow's memory with the state query. A whole state too large for one
 * answer (a query answer is one payload, under Temporal's limits) is read key by key. A query is answered by a
 * worker: none answering within the request timeout is core's `EngineConnectionError` naming the task queue.
 */
export async function queryState(handle: WorkflowHandle, key: string | undefined, taskQueue: string) {
  try {
    return await queryEntries(handle, key);
  } catch (error) {
    throw isGrpcDeadline(error) ? noWorker(error, taskQueue) : error;
  }
}

async function queryEntries(handle: WorkflowHandle, key: string | undefined): Promise<unknown> {
  if (key !== undefined) return handle.query(STATE_QUERY, key);
  const answer = (await handle.query(STATE_QUERY)) as StateAnswer;
  if ('entries' in answer) return answer.entries;
  const entries: Record<string, unknown> = {};
  for (const name of answer.keys) {
    // defineProperty: a key such as '__proto__' is an own entry, as in the answer of the whole state.
    Object.defineProperty(entries, name, {
      value: await handle.query(STATE_QUERY, name),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return entries;
}

function noWorker(error: unknown, taskQueue: string): EngineConnectionError {
  return new EngineConnectionError(
    'temporal',
    'taskQueue (TEMPORAL_TASK_QUEUE) and DURABLE_WORKER',
    `task queue '${taskQueue}'`,
    `no worker answered the state query of a running execution within ${REQUEST_TIMEOUT_MS}ms ` +
      `(${error instanceof Error ? error.message : String(error)})`,
  );
}
