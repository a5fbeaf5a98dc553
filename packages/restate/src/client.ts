import { randomUUID } from 'node:crypto';
import {
  type Capabilities,
  ExecutionNotFoundError,
  type ExecutionStatus,
  ValidationError,
} from '@durable-runtime/core';
import type {
  EngineClient,
  ExecutionOutcome,
  ExecutionRef,
  PromiseSettlement,
  StartRequest,
} from '@durable-runtime/core/spi';
import type { AdminClient } from './admin-client.js';
import { restateCapabilities } from './capabilities.js';
import { nextUnrecordedWait, UNRECORDED_WAIT } from './execution-record.js';
import { outcomeOfFailure } from './failures.js';
import { type IngressClient, ingressFailure } from './ingress-client.js';
import { type Checked, type ExecutionRecord, promiseKey, type RunOutput } from './protocol.js';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The adapter's {@link EngineClient}: every operation goes through the Restate ingress, cancellation through the
 * admin API. Readers check the execution's record (written by its run), so an unknown id is `ExecutionNotFoundError`
 * and nothing is created.
 */
export class RestateEngineClient implements EngineClient {
  readonly backend = 'restate';
  readonly capabilities: Capabilities = restateCapabilities;

  constructor(
    private readonly ingress: IngressClient,
    private readonly admin: AdminClient,
    private readonly onClose: () => Promise<void>,
  ) {}

  async start(request: StartRequest): Promise<void> {
    const { workflowName, executionId, input } = request;
    const { created } = await this.ingress.submit(executionId, { workflowName, runId: randomUUID(), input });
    if (created) return;
    const record = await this.#record(executionId);
    if (record?.workflowName !== workflowName) {
      throw new ValidationError(
        `Execution id '${executionId}' already belongs to workflow '${record?.workflowName}', not '${workflowName}'`,
      );
    }
  }

  // Chained rather than awaited: a caller waiting for a long execution keeps no suspended frame of this method alive.
  outcome(ref: ExecutionRef): Promise<ExecutionOutcome> {
    return this.ingress.attach(ref.executionId).then(
      (output) => this.#checked(ref, output),
      (error: unknown) => this.#outcomeAfterAttachError(ref, error),
    );
  }

  async status(ref: ExecutionRef): Promise<ExecutionStatus> {
    try {
      const output = await this.ingress.output(ref.executionId);
      if (output) return this.#checked(ref, output).status;
    } catch (error) {
      const failure = ingressFailure(error);
      if (failure?.source !== 'invocation') {
        if (failure?.status === 404) throw new ExecutionNotFoundError(ref.workflowName, ref.executionId);
        throw error;
      }
      await this.#find(ref);
      return outcomeOfFailure(failure.code, failure.message).status;
    }
    await this.#find(ref);
    return 'running';
  }

  async settlePromise(ref: ExecutionRef, name: string, settlement: PromiseSettlement): Promise<void> {
    const input = { workflowName: ref.workflowName, name: promiseKey(name), settlement };
    await this.#onRecorded(ref, () => this.ingress.settle(ref.executionId, input));
  }

  async getState(ref: ExecutionRef, key: string | undefined): Promise<unknown> {
    const input = key === undefined ? { workflowName: ref.workflowName } : { workflowName: ref.workflowName, key };
    const result = await this.#onRecorded(ref, () => this.ingress.state(ref.executionId, input));
    if ('entries' in result) return result.entries;
    return result.found ? result.value : undefined;
  }

  async send(ref: ExecutionRef, channel: string, message: unknown): Promise<void> {
    const input = { workflowName: ref.workflowName, channel, message };
    await this.#onRecorded(ref, () => this.ingress.send(ref.executionId, input));
  }

  async cancel(ref: ExecutionRef): Promise<void> {
    const record = await this.#find(ref);
    // 'completed': it had ended already, nothing to do.
    if ((await this.admin.cancel(record.invocationId)) === 'unknown') {
      throw new ExecutionNotFoundError(ref.workflowName, ref.executionId);
    }
  }

  close(): Promise<void> {
    return this.onClose();
  }

  /** The record of the execution of `ref`; `ExecutionNotFoundError` for an unknown id or another workflow's. */
  async #find(ref: ExecutionRef): Promise<ExecutionRecord> {
    const record = await this.#record(ref.executionId);
    if (record?.workflowName !== ref.workflowName) throw new ExecutionNotFoundError(ref.workflowName, ref.executionId);
    return record;
  }

  /** The record of an execution, once its run wrote it; undefined when no run has this id. */
  async #record(executionId: string): Promise<ExecutionRecord | undefined> {
    for (let wait = UNRECORDED_WAIT.firstMs; ; wait = nextUnrecordedWait(wait)) {
      const record = await this.ingress.describe(executionId);
      if (record) return record;
      if (!(await this.ingress.runExists(executionId))) return undefined;
      await delay(wait);
    }
  }

  /** Calls a handler that acts only on a recorded execution of `ref`'s workflow, until its run recorded itself. */
  async #onRecorded<T>(ref: ExecutionRef, call: () => Promise<Checked<T>>): Promise<T> {
    for (let wait = UNRECORDED_WAIT.firstMs; ; wait = nextUnrecordedWait(wait)) {
      const answer = await call();
      if (answer.execution === 'found') return answer.result;
      if (answer.execution === 'other' || !(await this.ingress.runExists(ref.executionId))) {
        throw new ExecutionNotFoundError(ref.workflowName, ref.executionId);
      }
      await delay(wait);
    }
  }

  async #outcomeAfterAttachError(ref: ExecutionRef, error: unknown): Promise<ExecutionOutcome> {
    const failure = ingressFailure(error);
    if (failure?.status === 404) throw new ExecutionNotFoundError(ref.workflowName, ref.executionId);
    if (failure?.source === 'invocation') {
      await this.#find(ref);
      return outcomeOfFailure(failure.code, failure.message);
    }
    if (failure || !isHttpTimeout(error)) throw error;
    // The HTTP client gave up waiting for a long execution: attach again.
    return this.outcome(ref);
  }

  /** The outcome of a run output, after checking that the execution is the one of `ref`. */
  #checked(ref: ExecutionRef, output: RunOutput): ExecutionOutcome {
    if (output.workflowName !== ref.workflowName) throw new ExecutionNotFoundError(ref.workflowName, ref.executionId);
    return output.outcome;
  }
}

/**
 * Whether a request ended because the HTTP client stopped waiting for its response: Node's `fetch` gives up after
 * 300 s without headers by default, and an attach to a long execution waits that long.
 */
function isHttpTimeout(error: unknown): boolean {
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
}
