import {
  ALL_CAPABILITIES,
  type Capabilities,
  ExecutionEndedError,
  ExecutionNotFoundError,
  type ExecutionStatus,
  idOwnedByOtherWorkflow,
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
import type { Resonate } from '@resonatehq/sdk/async';
import { AttemptJournal } from './attempt-journal.js';
import { Cancellation } from './cancellation.js';
import { Children } from './children.js';
import type { Connection } from './connect.js';
import { WORKFLOW_TAG } from './ids.js';
import { LeafOptions, type SdkCallOptions } from './leaf-options.js';
import type { LocalStore } from './local-store.js';
import { failedOutcome, outcomeOf, shapeOf, statusOf } from './outcomes.js';
import { FOREVER_MS, PromiseStore, type StoredPromise } from './promise-store.js';
import { Slots } from './slots.js';
import { StateJournal } from './state-journal.js';
import { type WorkflowArgument, workflowFunction } from './workflow-function.js';
import type { WorkflowHost } from './workflow-host.js';

/** Every feature of the API: timers, promises, messages, state, children, cancellation, determinism checks. */
export const RESONATE_CAPABILITIES: Capabilities = ALL_CAPABILITIES;

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
  readonly attempts: AttemptJournal;
  readonly state: StateJournal;
  readonly children: Children;
  readonly target: string;
  readonly leafOptions: LeafOptions;
  readonly #rootOptionsByWorkflow = new Map<string, SdkCallOptions>();
  /** Local mode: the store this runtime is on (another runtime on it resumes its executions). */
  readonly localStore: LocalStore | undefined;
  /** The in-process store whose shortcuts this runtime takes (see Connection.inProcess). */
  readonly inProcess: LocalStore | undefined;
  readonly #resonate: Resonate;
  /** Whether this runtime runs workflows (false: client-only). */
  readonly #worker: boolean;

  #closing: Promise<void> | undefined;

  constructor(
    connection: Connection,
    readonly registry: Registry,
    readonly maxPayloadBytes: number,
  ) {
    this.#resonate = connection.resonate;
    this.target = connection.resonate.options({ target: connection.group }).target;
    this.leafOptions = new LeafOptions((options) => connection.resonate.options(options), this.target);
    this.localStore = connection.localStore;
    this.inProcess = connection.inProcess;
    this.#worker = connection.worker;
    const memory = connection.inProcess?.memory;
    this.store = new PromiseStore(connection.resonate.promises, connection.inProcess);
    this.slots = new Slots(this.store);
    this.cancellation = new Cancellation(this.store, memory);
    this.attempts = new AttemptJournal(this.store, memory);
    this.state = new StateJournal(this.store);
    this.children = new Children(this.store, this.slots, memory);
    connection.unknownWorkflows.bind((executionId, outcome) => this.children.close(executionId, outcome));
    for (const workflow of registry.workflows) {
      this.#rootOptionsByWorkflow.set(workflow.name, this.#buildRootOptions(workflow.name));
      if (connection.worker) this.#resonate.register(workflow.name, workflowFunction(workflow, this));
    }
  }

  // ---- EngineClient ----

  start(request: StartRequest): Promise<void> {
    return this.startExecution(request, undefined);
  }

  async outcome(ref: ExecutionRef): Promise<ExecutionOutcome> {
    const local = this.inProcess;
    if (local) {
      // Validated by the store's index, or by a read, before waiting.
      if (!this.#known(ref)) await this.#root(ref);
      return this.#localOutcome(local, ref.executionId);
    }
    let root = await this.#root(ref);
    for (;;) {
      const ended = outcomeOf(root);
      if (ended) return ended;
      const handle = await this.#resonate.get(ref.executionId);
      try {
        return { status: 'completed', value: await handle.result() };
      } catch (reason) {
        // A rejection carries the recorded error shape; the SDK throws an Error of its own (without the value) for a
        // cancelled or timed-out promise, and for failures of its own: the root promise tells.
        if (!(reason instanceof Error)) return failedOutcome(shapeOf(reason));
      }
      root = await this.#root(ref);
    }
  }

  /**
   * Local mode: the outcome as soon as the store records the settlement of the root promise (a worker's answer to
   * its `task.fulfill`, see LocalStore.settlement), rather than on the SDK's notice, which the in-process store sends
   * on a timer (a millisecond or more later, and one more request and decode per wait). Every root promise of a local
   * store is settled that way; a read every second covers any other.
   */
  async #localOutcome(local: LocalStore, executionId: string): Promise<ExecutionOutcome> {
    const waiting = local.settlement(executionId);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      for (;;) {
        const root = await this.store.get(executionId);
        const ended = root && outcomeOf(root);
        if (ended) return ended;
        const record = await Promise.race([
          waiting.settled,
          new Promise<undefined>((resolve) => {
            timer = setTimeout(() => resolve(undefined), 1_000);
          }),
        ]);
        clearTimeout(timer);
        if (record) return outcomeOf(this.store.decode(record)) as ExecutionOutcome;
      }
    } finally {
      clearTimeout(timer);
      waiting.cancel();
    }
  }

  async status(ref: ExecutionRef): Promise<ExecutionStatus> {
    return statusOf(await this.#root(ref));
  }

  async settlePromise(ref: ExecutionRef, name: string, settlement: PromiseSettlement): Promise<boolean> {
    await this.#checkRunning(ref);
    const clean: PromiseSettlement =
      settlement.kind === 'value'
        ? { kind: 'value', value: settlement.value }
        : { kind: 'error', error: { name: settlement.error.name, message: settlement.error.message } };
    return this.slots.resolvePromise(ref.executionId, name, {
      kind: 'delivery',
      nonce: crypto.randomUUID(),
      settlement: clean,
    });
  }

  async getState(ref: ExecutionRef, key: string | undefined): Promise<unknown> {
    await this.#check(ref);
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

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  // ---- WorkflowHost ----

  async startExecution(request: StartRequest, delayMs: number | undefined): Promise<void> {
    const { executionId, workflowName } = request;
    const local = this.inProcess;
    // Local mode: the store's index of executions answers at once (see LocalStore.claimRoot); otherwise the store.
    const owner = local ? local.rootWorkflow(executionId) : ownerOf(await this.store.get(executionId));
    if (owner !== undefined) return assertOwner(executionId, owner, workflowName);
    this.registry.workflow(workflowName);
    const delayed = delayMs !== undefined && delayMs > 0;
    const argument: WorkflowArgument = { input: request.input };
    const options = delayed ? this.#rootOptions(workflowName, Date.now() + delayMs) : this.#rootOptions(workflowName);
    if (!local) {
      await this.#resonate.rpc(executionId, workflowName, argument, options);
      // A concurrent start of another workflow may have created the id between the read and the create, which then
      // returned that workflow's promise: the id stays with the first creator.
      assertOwner(executionId, ownerOf(await this.store.get(executionId)) ?? '', workflowName);
      return;
    }
    // From here to the store's answer, nothing awaits: the root promise exists in the store as soon as the id is
    // claimed in the index, so a concurrent start finds both.
    local.claimRoot(executionId, workflowName);
    try {
      // A local worker runs the first pass at once (`run`: it creates the root promise with its task claimed by this
      // worker); a delayed start, or a client-only runtime, leaves the task to the store (`rpc`).
      await (this.#worker && !delayed
        ? this.#resonate.run(executionId, workflowName, argument, options)
        : this.#resonate.rpc(executionId, workflowName, argument, options));
    } catch (error) {
      local.unclaimRoot(executionId);
      throw error;
    }
  }

  async cancelExecution(ref: ExecutionRef): Promise<void> {
    const root = await this.store.get(ref.executionId);
    if (root?.state === 'pending' && root.tags[WORKFLOW_TAG] === ref.workflowName) {
      await this.cancellation.cancel(ref.executionId);
    }
  }

  async deliverMessage(
    ref: ExecutionRef,
    channel: string,
    message: unknown,
    nonce: string,
    fromStart: boolean,
  ): Promise<void> {
    await this.#checkRunning(ref);
    await this.slots.sendMessage(
      ref.executionId,
      channel,
      { kind: 'delivery', nonce, settlement: { kind: 'value', value: message } },
      fromStart,
    );
  }

  /**
   * The options of an execution's root promise (built once per workflow unless delayed: each build parses the target
   * as a URL). No retry policy: the SDK runs a root without one exactly as with `Never` (a pass that fails is not
   * retried in process), and the root promise's parameter stays short (every response that carries it is decoded).
   */
  #rootOptions(workflowName: string, startAt?: number): SdkCallOptions {
    if (startAt !== undefined) return this.#buildRootOptions(workflowName, startAt);
    // Built for every registered workflow at construction; callers checked the name against the registry.
    const options = this.#rootOptionsByWorkflow.get(workflowName);
    if (!options) throw new Error(`internal: no root options for workflow '${workflowName}'`);
    return options;
  }

  #buildRootOptions(workflowName: string, startAt?: number): SdkCallOptions {
    const tags: Record<string, string> = { [WORKFLOW_TAG]: workflowName };
    if (startAt !== undefined) tags['resonate:delay'] = String(startAt);
    return this.#resonate.options({ target: this.target, timeout: FOREVER_MS, tags });
  }

  /** Whether the local store's index knows the execution as one of this workflow (then it needs no store read). */
  #known(ref: ExecutionRef): boolean {
    return this.inProcess?.rootWorkflow(ref.executionId) === ref.workflowName;
  }

  /** Checks that the execution exists, as one of this workflow. @throws ExecutionNotFoundError */
  async #check(ref: ExecutionRef): Promise<void> {
    if (!this.#known(ref)) await this.#root(ref);
  }

  /**
   * Checks that the execution exists, as one of this workflow, and has not ended (a delivery to it would be lost).
   * Local mode answers from the store's index while the execution runs.
   * @throws ExecutionNotFoundError, ExecutionEndedError
   */
  async #checkRunning(ref: ExecutionRef): Promise<void> {
    if (this.#known(ref) && this.inProcess?.rootRunning(ref.executionId)) return;
    const ended = outcomeOf(await this.#root(ref));
    if (ended) throw new ExecutionEndedError(ref.workflowName, ref.executionId, ended.status);
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

/**
 * Checks that the owner of an existing id (see {@link ownerOf}) is the workflow being started.
 * @throws ValidationError naming both workflows (rule 11), or saying the id is not an execution
 */
function assertOwner(executionId: string, owner: string, workflowName: string): void {
  if (owner === '') {
    throw new ValidationError(`Execution id '${executionId}' is a Resonate promise that is not an execution`);
  }
  if (owner !== workflowName) throw idOwnedByOtherWorkflow(executionId, owner, workflowName);
}

/** Who owns an id: `undefined` when free, the workflow's name, or `''` for a promise that is not an execution. */
function ownerOf(existing: StoredPromise | undefined): string | undefined {
  return existing ? (existing.tags[WORKFLOW_TAG] ?? '') : undefined;
}
