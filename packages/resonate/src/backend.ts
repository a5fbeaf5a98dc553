import {
  ALL_CAPABILITIES,
  type Capabilities,
  ExecutionNotFoundError,
  type ExecutionStatus,
  type Registry,
  ValidationError,
} from '@durable-runtime/core';
import type {
  EngineClient,
  ExecutionOutcome,
  ExecutionRef,
  PromiseSettlement,
  StartRequest,
} from '@durable-runtime/core/spi';
import { Never, type Resonate } from '@resonatehq/sdk/async';
import { Cancellation } from './cancellation.js';
import { Children } from './children.js';
import type { Connection } from './connect.js';
import type { LocalStore } from './local-store.js';
import { outcomeOf, statusOf } from './outcomes.js';
import { FOREVER_MS, PromiseStore, type StoredPromise } from './promise-store.js';
import { Slots } from './slots.js';
import { StateJournal } from './state-journal.js';
import { type WorkflowArgument, workflowFunction } from './workflow-function.js';
import type { WorkflowHost } from './workflow-host.js';

/** Every feature of the API: timers, promises, messages, state, children, cancellation, determinism checks. */
export const RESONATE_CAPABILITIES: Capabilities = ALL_CAPABILITIES;

/** The tag that marks a root promise as an execution of a durable-runtime workflow, naming the workflow. */
export const WORKFLOW_TAG = 'durable-runtime:workflow';

/**
 * The Resonate backend: the SPI's {@link EngineClient} on one `Resonate` instance (the SDK's worker and client).
 * An execution is a root durable promise whose id is the execution id, run by the workflow's registered function.
 */
export class ResonateBackend implements EngineClient, WorkflowHost {
  readonly backend = 'resonate';
  readonly capabilities = RESONATE_CAPABILITIES;
  readonly store: PromiseStore;
  readonly slots: Slots;
  readonly cancellation: Cancellation;
  readonly state: StateJournal;
  readonly children: Children;
  readonly group: string;
  readonly localStore: LocalStore | undefined;
  readonly #resonate: Resonate;
  #closing: Promise<void> | undefined;

  constructor(
    connection: Connection,
    readonly registry: Registry,
  ) {
    this.#resonate = connection.resonate;
    this.group = connection.group;
    this.localStore = connection.localStore;
    this.store = new PromiseStore(connection.resonate.promises);
    this.slots = new Slots(this.store);
    this.cancellation = new Cancellation(this.store);
    this.state = new StateJournal(this.store);
    this.children = new Children(this.store, this.slots);
    if (connection.worker) {
      for (const workflow of registry.workflows) {
        this.#resonate.register(workflow.name, workflowFunction(workflow, this));
      }
    }
  }

  // ---- EngineClient ----

  start(request: StartRequest): Promise<void> {
    return this.startExecution(request, undefined);
  }

  async outcome(ref: ExecutionRef): Promise<ExecutionOutcome> {
    let root = await this.#root(ref);
    while (root.state === 'pending') {
      const handle = await this.#resonate.get(ref.executionId);
      await handle.result().catch(() => undefined);
      root = await this.#root(ref);
    }
    return outcomeOf(root) as ExecutionOutcome;
  }

  async status(ref: ExecutionRef): Promise<ExecutionStatus> {
    return statusOf(await this.#root(ref));
  }

  async settlePromise(ref: ExecutionRef, name: string, settlement: PromiseSettlement): Promise<void> {
    await this.#root(ref);
    const clean: PromiseSettlement =
      settlement.kind === 'value'
        ? { kind: 'value', value: settlement.value }
        : { kind: 'error', error: { name: settlement.error.name, message: settlement.error.message } };
    await this.slots.resolvePromise(ref.executionId, name, {
      kind: 'delivery',
      nonce: crypto.randomUUID(),
      settlement: clean,
    });
  }

  async getState(ref: ExecutionRef, key: string | undefined): Promise<unknown> {
    await this.#root(ref);
    const state = await this.state.read(ref.executionId);
    if (key === undefined) return state;
    return Object.hasOwn(state, key) ? state[key] : undefined;
  }

  send(ref: ExecutionRef, channel: string, message: unknown): Promise<void> {
    return this.deliverMessage(ref, channel, message, crypto.randomUUID(), false);
  }

  async cancel(ref: ExecutionRef): Promise<void> {
    const root = await this.#root(ref);
    if (root.state === 'pending') await this.cancellation.cancel(ref.executionId);
  }

  close(): Promise<void> {
    this.#closing ??= this.#resonate.stop();
    return this.#closing;
  }

  // ---- WorkflowHost ----

  async startExecution(request: StartRequest, delayMs: number | undefined): Promise<void> {
    const existing = await this.store.get(request.executionId);
    if (existing) {
      const owner = existing.tags[WORKFLOW_TAG];
      if (owner !== request.workflowName) {
        throw new ValidationError(
          `Execution id '${request.executionId}' already belongs to ${owner ? `workflow '${owner}'` : 'another Resonate promise'}, not to workflow '${request.workflowName}'`,
        );
      }
      return;
    }
    this.registry.workflow(request.workflowName);
    const tags: Record<string, string> = { [WORKFLOW_TAG]: request.workflowName };
    if (delayMs !== undefined && delayMs > 0) tags['resonate:delay'] = String(Date.now() + delayMs);
    const argument: WorkflowArgument = { input: request.input };
    await this.#resonate.rpc(
      request.executionId,
      request.workflowName,
      argument,
      this.#resonate.options({ target: this.group, timeout: FOREVER_MS, retryPolicy: new Never(), tags }),
    );
  }

  async deliverMessage(
    ref: ExecutionRef,
    channel: string,
    message: unknown,
    nonce: string,
    fromStart: boolean,
  ): Promise<void> {
    await this.#root(ref);
    await this.slots.sendMessage(
      ref.executionId,
      channel,
      { kind: 'delivery', nonce, settlement: { kind: 'value', value: message } },
      fromStart,
    );
  }

  /** The root promise of an execution of this workflow. @throws ExecutionNotFoundError */
  async #root(ref: ExecutionRef): Promise<StoredPromise> {
    const root = await this.store.get(ref.executionId);
    if (!root || root.tags[WORKFLOW_TAG] !== ref.workflowName) {
      throw new ExecutionNotFoundError(ref.workflowName, ref.executionId);
    }
    return root;
  }
}
