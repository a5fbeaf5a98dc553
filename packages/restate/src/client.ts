import {
  CancelledError,
  type Capabilities,
  ExecutionNotFoundError,
  type ExecutionStatus,
  toErrorShape,
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
import { outcomeOfFailure } from './failures.js';
import { type IngressClient, ingressFailure } from './ingress-client.js';
import { type ExecutionInfo, promiseKey, type RunOutput } from './protocol.js';

/** How long one attach request may block before it is sent again (HTTP clients time out long requests). */
const ATTACH_TIMEOUT_MS = 60_000;
/** How long a run may stay invisible to the ingress after its start was recorded (normally a few milliseconds). */
const RUN_VISIBLE_TIMEOUT_MS = 30_000;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The adapter's {@link EngineClient}: every operation goes through the Restate ingress (the execution object first,
 * so that an unknown id is `ExecutionNotFoundError` and nothing is created), cancellation through the admin API.
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
    const started = await this.ingress.start(executionId, { workflowName, input });
    if (started.workflowName !== workflowName) {
      throw new ValidationError(
        `Execution id '${executionId}' already belongs to workflow '${started.workflowName}', not '${workflowName}'`,
      );
    }
  }

  async outcome(ref: ExecutionRef): Promise<ExecutionOutcome> {
    let invisibleSince: number | undefined;
    for (;;) {
      try {
        return this.#checked(ref, await this.ingress.attach(ref.executionId, ATTACH_TIMEOUT_MS));
      } catch (error) {
        const failure = ingressFailure(error);
        if (failure?.status === 404) {
          // Unknown id (ExecutionNotFoundError), a run cancelled before it started or purged after its end (the
          // record has the outcome), or a run not visible yet.
          const info = await this.#find(ref);
          if (info.outcome) return info.outcome;
          invisibleSince ??= Date.now();
          await this.#waitUntilVisible(ref, info, invisibleSince);
        } else if (failure?.source === 'invocation') {
          await this.#find(ref);
          return outcomeOfFailure(failure.code, failure.message);
        } else if (failure || !isTimeout(error)) {
          throw error;
        }
      }
    }
  }

  async status(ref: ExecutionRef): Promise<ExecutionStatus> {
    try {
      const output = await this.ingress.output(ref.executionId);
      if (output) return this.#checked(ref, output).status;
    } catch (error) {
      const failure = ingressFailure(error);
      // 404: unknown id, a run cancelled before it started or purged after its end, or a run not visible yet (its
      // start is recorded): the record decides.
      if (failure?.status !== 404) {
        if (failure?.source !== 'invocation') throw error;
        await this.#find(ref);
        return outcomeOfFailure(failure.code, failure.message).status;
      }
    }
    const info = await this.#find(ref);
    return info.outcome?.status ?? 'running';
  }

  async settlePromise(ref: ExecutionRef, name: string, settlement: PromiseSettlement): Promise<void> {
    await this.#find(ref);
    await this.ingress.settle(ref.executionId, { name: promiseKey(name), settlement });
  }

  async getState(ref: ExecutionRef, key: string | undefined): Promise<unknown> {
    await this.#find(ref);
    const result = await this.ingress.state(ref.executionId, key === undefined ? {} : { key });
    if ('entries' in result) return result.entries;
    return result.found ? result.value : undefined;
  }

  async send(ref: ExecutionRef, channel: string, message: unknown): Promise<void> {
    const result = await this.ingress.send(ref.executionId, { workflowName: ref.workflowName, channel, message });
    if (!result.delivered) throw new ExecutionNotFoundError(ref.workflowName, ref.executionId);
  }

  async cancel(ref: ExecutionRef): Promise<void> {
    const info = await this.#find(ref);
    if (info.outcome) return;
    const since = Date.now();
    let cancelled = await this.admin.cancel(info.invocationId);
    for (; cancelled === 'unknown'; cancelled = await this.admin.cancel(info.invocationId)) {
      await this.#waitUntilVisible(ref, info, since);
    }
    if (cancelled === 'completed') return;
    // A run cancelled before it started (a delayed start) leaves no output: record the outcome for it.
    const output = await this.ingress.output(ref.executionId).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (ingressFailure(output)?.status === 404) {
      const error = toErrorShape(new CancelledError('The execution was cancelled before it started'));
      await this.ingress.finished(ref.executionId, { status: 'cancelled', error });
    }
  }

  close(): Promise<void> {
    return this.onClose();
  }

  async #find(ref: ExecutionRef): Promise<ExecutionInfo> {
    const info = await this.ingress.info(ref.executionId);
    if (!info || info.workflowName !== ref.workflowName) {
      throw new ExecutionNotFoundError(ref.workflowName, ref.executionId);
    }
    return info;
  }

  /** The outcome of a run output, after checking that the execution is the one of `ref`. */
  #checked(ref: ExecutionRef, output: RunOutput): ExecutionOutcome {
    if (output.workflowName !== ref.workflowName) throw new ExecutionNotFoundError(ref.workflowName, ref.executionId);
    return output.outcome;
  }

  /** A recorded start whose run the ingress does not show yet: wait a little, give up after a while. */
  async #waitUntilVisible(ref: ExecutionRef, info: ExecutionInfo, invisibleSince: number): Promise<void> {
    if (Date.now() - invisibleSince > RUN_VISIBLE_TIMEOUT_MS) {
      throw new Error(
        `Restate does not know the run of execution '${ref.executionId}' (invocation ${info.invocationId}) although ` +
          'its start was recorded: was it purged?',
      );
    }
    await delay(20);
  }
}

function isTimeout(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'TimeoutError';
}
