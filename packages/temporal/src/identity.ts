import { ExecutionNotFoundError, type ExecutionStatus } from '@durable-runtime/core';
import type { ExecutionRef } from '@durable-runtime/core/spi';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { isGrpcNotFound } from './calls.js';
import { remember } from './remember.js';

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
 * Which workflow owns an execution id (rule 11): the workflow type of the Temporal execution, read with `describe`
 * (answered by the server, no worker needed) and remembered, since an id never changes owner (ids are never reused:
 * executions start with the reuse policy REJECT_DUPLICATE).
 */
export class Identity {
  readonly #owners = new Map<string, string>();

  constructor(private readonly client: Client) {}

  /** Records the owner of an id this process just started. */
  started(executionId: string, workflowName: string): void {
    remember(this.#owners, executionId, workflowName);
  }

  /** The workflow of the execution with this id, or undefined when there is none. */
  async ownerOf(executionId: string): Promise<string | undefined> {
    const known = this.#owners.get(executionId);
    if (known !== undefined) return known;
    try {
      const { type } = await this.client.workflow.getHandle(executionId).describe();
      remember(this.#owners, executionId, type);
      return type;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** True when `ref`'s workflow owns its id, known without a call. */
  knownOwned(ref: ExecutionRef): boolean {
    return this.#owners.get(ref.executionId) === ref.workflowName;
  }

  /** @throws ExecutionNotFoundError when the id is unknown or belongs to another workflow. */
  async requireOwned(ref: ExecutionRef): Promise<void> {
    if ((await this.ownerOf(ref.executionId)) !== ref.workflowName) throw notFound(ref);
  }

  /** The execution's current status. @throws ExecutionNotFoundError as {@link requireOwned}. */
  async statusOf(ref: ExecutionRef): Promise<ExecutionStatus> {
    let description: Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['describe']>>;
    try {
      description = await this.client.workflow.getHandle(ref.executionId).describe();
    } catch (error) {
      if (isNotFound(error)) throw notFound(ref);
      throw error;
    }
    remember(this.#owners, ref.executionId, description.type);
    if (description.type !== ref.workflowName) throw notFound(ref);
    return STATUS[description.status.name] ?? 'running';
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof WorkflowNotFoundError || isGrpcNotFound(error);
}

function notFound(ref: ExecutionRef): ExecutionNotFoundError {
  return new ExecutionNotFoundError(ref.workflowName, ref.executionId);
}
