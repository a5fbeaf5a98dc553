import { type ErrorShape, type Registry, toErrorShape } from '@durable-runtime/core';
import type { ExecutionOutcome } from '@durable-runtime/core/spi';
import { Codec, type PromiseRecord, type TaskAcquireReq, type TaskAcquireRes, type TaskRecord } from '@resonatehq/sdk';
import { WORKFLOW_TAG } from './ids.js';
import { forwardingNetwork, type ResonateNetwork } from './resonate-network.js';

/** Tells the executions waiting for an execution (its parents) the outcome it ended with. */
export type PublishOutcome = (executionId: string, outcome: ExecutionOutcome) => Promise<void>;

/**
 * Executions of workflows this worker does not know (registered on a client, not here): the SDK would drop each
 * task it claims for one and hand it back, and the store would hand it out again at once, forever, while the
 * execution stays `running`. Instead the worker's network fails such an execution when it claims its task, with the
 * registry's error naming the workflow, and tells its parents.
 */
export class UnknownWorkflows {
  readonly #codec = new Codec();
  #publish: PublishOutcome | undefined;

  constructor(private readonly registry: Registry) {}

  /** Where the outcome of a failed execution goes (the backend's watch lists), once the backend exists. */
  bind(publish: PublishOutcome): void {
    this.#publish = publish;
  }

  /** The worker's network, failing the tasks of unknown workflows as it claims them (see {@link acquired}). */
  guard(network: ResonateNetwork): ResonateNetwork {
    const send = ((request: { kind: string }) => {
      const response = network.send(request as never);
      if (request.kind !== 'task.acquire') return response;
      return response.then((res) => this.acquired(network, request as TaskAcquireReq, res as TaskAcquireRes));
    }) as ResonateNetwork['send'];
    return forwardingNetwork(network, { send });
  }

  /**
   * The answer to a worker's task claim, as the SDK gets it: for an execution of a workflow this worker does not
   * know, the execution is failed (the task fulfilled) and the claim refused. Local mode's worker network calls it.
   */
  async acquired(network: ResonateNetwork, request: TaskAcquireReq, response: TaskAcquireRes): Promise<TaskAcquireRes> {
    if (response.head.status !== 200) return response;
    const { task, promise } = response.data as { task: TaskRecord; promise: PromiseRecord };
    const workflowName = promise.tags?.[WORKFLOW_TAG];
    if (workflowName === undefined || promise.state !== 'pending') return response;
    const error = this.#unknown(workflowName);
    if (!error) return response;
    await this.#publish?.(promise.id, { status: 'failed', error });
    const head = { corrId: crypto.randomUUID(), version: request.head.version };
    await network.send({
      kind: 'task.fulfill',
      head,
      data: {
        id: task.id,
        version: task.version,
        action: {
          kind: 'promise.settle',
          head,
          data: { id: promise.id, state: 'rejected', value: this.#encode(error) },
        },
      },
    });
    // The SDK logs a refused claim and drops the task, which the fulfillment above completed.
    return { kind: 'task.acquire', head: { ...response.head, status: 409 }, data: error.message };
  }

  /** The registry's error for a workflow this worker does not know, or `undefined` for a known one. */
  #unknown(workflowName: string): ErrorShape | undefined {
    try {
      this.registry.workflow(workflowName);
      return undefined;
    } catch (error) {
      return toErrorShape(error);
    }
  }

  #encode(value: unknown): { headers: Record<string, string>; data: string } {
    const encoded = this.#codec.encode(value);
    return { headers: encoded.headers ?? {}, data: encoded.data ?? '' };
  }
}
