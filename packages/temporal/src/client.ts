import { randomUUID } from 'node:crypto';
import { ExecutionEndedError, type ExecutionStatus, idOwnedByOtherWorkflow } from '@durable-runtime/core';
import type { EngineClient, ExecutionOutcome, ExecutionRef, StartRequest } from '@durable-runtime/core/spi';
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  type WorkflowHandle,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { Calls } from './calls.js';
import { temporalCapabilities } from './capabilities.js';
import { type EndedExecution, readEnd } from './ended.js';
import { Identity } from './identity.js';
import { remember } from './remember.js';
import { wonSettlement } from './settlement.js';
import { queryState } from './state-query.js';
import { MESSAGE_SIGNAL, PROMISE_SIGNAL } from './workflow/names.js';
import { limitMemo } from './workflow/payload-limit.js';

/** The engine client, plus what the worker's activities need of it. */
export interface TemporalEngineClient extends EngineClient {
  /** The workflow that owns an execution id, or undefined when no execution has it. */
  ownerOf(executionId: string): Promise<string | undefined>;
}

/** Where the engine client runs. */
export interface EngineClientSetup {
  readonly client: Client;
  readonly address: string;
  readonly taskQueue: string;
  /** The payload limit, given to the executions this client starts. */
  readonly maxPayloadBytes: number;
  /** Stops the worker (if any) and closes the connection. */
  readonly close: () => Promise<void>;
}

/**
 * Core's {@link EngineClient} on `@temporalio/client`. An execution is a workflow execution whose id is the execution
 * id and whose type is the workflow's name (checked on every call: an id belongs to one workflow); promises and
 * messages are signals; state is a query while the execution runs and its recorded end afterwards; cancel is
 * Temporal's cancellation request.
 */
export function createEngineClient(setup: EngineClientSetup): TemporalEngineClient {
  const { client, address, taskQueue, close } = setup;
  const memo = limitMemo(setup.maxPayloadBytes);
  const calls = new Calls(client, address);
  const identity = new Identity(client);
  const ends = new Map<string, EndedExecution>();
  const handleOf = (ref: ExecutionRef) => client.workflow.getHandle(ref.executionId);

  /** The execution's status (an ended one's from memory); `ExecutionNotFoundError` unless `ref` owns the id. */
  const statusOf = async (ref: ExecutionRef): Promise<ExecutionStatus> => {
    const ended = ends.get(ref.executionId);
    return ended && identity.knownOwned(ref) ? ended.outcome.status : identity.statusOf(ref);
  };

  /** A delivery to a running execution; `ExecutionEndedError` once it has ended (also when it ends meanwhile). */
  const deliver = <T>(ref: ExecutionRef, signal: (handle: WorkflowHandle) => Promise<T>) =>
    calls.short(async () => {
      const status = await statusOf(ref);
      if (status !== 'running') throw new ExecutionEndedError(ref.workflowName, ref.executionId, status);
      try {
        return await signal(handleOf(ref));
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        const now = await statusOf(ref);
        throw now === 'running' ? error : new ExecutionEndedError(ref.workflowName, ref.executionId, now);
      }
    });

  const endOf = async (ref: ExecutionRef): Promise<EndedExecution> => {
    const known = ends.get(ref.executionId);
    if (known) return known;
    const ended = await readEnd(handleOf(ref));
    remember(ends, ref.executionId, ended);
    return ended;
  };

  return {
    backend: 'temporal',
    capabilities: temporalCapabilities,
    ownerOf: (executionId) => calls.short(() => identity.ownerOf(executionId)),

    start: ({ workflowName, executionId, input }: StartRequest) =>
      calls.short(async () => {
        try {
          await client.workflow.start(workflowName, {
            taskQueue,
            workflowId: executionId,
            args: [input],
            ...(Object.keys(memo).length > 0 ? { memo } : {}),
            workflowIdConflictPolicy: 'FAIL',
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          });
          identity.started(executionId, workflowName);
        } catch (error) {
          // An execution with this id exists: starting attaches to it, if it is one of this workflow.
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
          const owner = await identity.ownerOf(executionId);
          if (owner !== undefined && owner !== workflowName) {
            throw idOwnedByOtherWorkflow(executionId, owner, workflowName);
          }
        }
      }),

    async outcome(ref): Promise<ExecutionOutcome> {
      await calls.short(() => identity.requireOwned(ref));
      return (await calls.long(() => endOf(ref))).outcome;
    },

    status: (ref) => calls.short(() => statusOf(ref)),

    settlePromise: (ref, name, settlement) =>
      deliver(ref, async (handle) => {
        const token = randomUUID();
        await handle.signal(PROMISE_SIGNAL, name, settlement, token);
        return wonSettlement(handle, name, token);
      }),

    send: (ref, channel, message) =>
      deliver(ref, async (handle) => {
        await handle.signal(MESSAGE_SIGNAL, channel, message);
      }),

    getState: (ref, key) =>
      calls.short(async () => {
        const status = await statusOf(ref);
        if (status !== 'running') {
          const { state } = await endOf(ref);
          if (state) return key === undefined ? state : Object.hasOwn(state, key) ? state[key] : undefined;
        }
        return queryState(handleOf(ref), key, taskQueue);
      }),

    cancel: (ref) =>
      calls.short(async () => {
        if ((await statusOf(ref)) !== 'running') return;
        try {
          await handleOf(ref).cancel();
        } catch (error) {
          // Ended meanwhile: cancelling an ended execution does nothing.
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
      }),

    async close() {
      calls.close();
      await close();
    },
  };
}
