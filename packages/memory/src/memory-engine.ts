import {
  ALL_CAPABILITIES,
  CancelledError,
  type Capabilities,
  DEFAULT_MAX_PAYLOAD_BYTES,
  ExecutionEndedError,
  ExecutionNotFoundError,
  type ExecutionStatus,
  idOwnedByOtherWorkflow,
  jsonCopy,
  type Registry,
} from '@durable-runtime/core';
import {
  type EngineClient,
  type EngineContext,
  type ExecutionOutcome,
  type ExecutionRef,
  executeWorkflow,
  failureOutcome,
  type PromiseSettlement,
  type StartRequest,
} from '@durable-runtime/core/spi';
import { type Clock, realClock, type Timer, VirtualClock } from './clock.js';
import { MemoryEngineContext, type WorkflowHost } from './engine-context.js';
import { createInMemoryStore } from './in-memory-store.js';
import { type ExecutionHost, LiveExecution } from './live-execution.js';
import { ownValue } from './own-keys.js';
import {
  ClaimLostError,
  ENDED_STATUSES,
  type ExecutionRecord,
  type ExecutionStore,
  newRecord,
  type StoreConnection,
} from './store.js';

/** Options of the memory engine. */
export interface MemoryEngineOptions {
  /** Where executions are kept. Share one store between two engines to simulate a restart. @default in-memory */
  readonly store?: ExecutionStore;
  /** The real clock, or a {@link VirtualClock} that tests move forward. @default realClock */
  readonly clock?: Clock;
  /**
   * Wraps the engine context of every execution: for tracing, or to inject faults in tests. Called once per
   * execution run (again after a restart).
   */
  readonly interceptContext?: (context: EngineContext) => EngineContext;
  /** The largest payload in bytes of JSON. @default DEFAULT_MAX_PAYLOAD_BYTES */
  readonly maxPayloadBytes?: number;
  /**
   * `false`: a client-only engine over a shared store: it records starts, deliveries and cancellations but runs no
   * execution (another engine over the store does). @default true
   */
  readonly worker?: boolean;
  /** The backend name the engine reports (an engine over another store, e.g. `sqlite`). @default 'memory' */
  readonly backend?: string;
  /** Called once the engine stopped (closed or crashed): e.g. to close a store it owns. */
  readonly onClose?: () => void;
}

/**
 * The in-process reference engine: executions live in an {@link ExecutionStore}, every operation is journaled, and
 * executions left running in the store (by a crashed engine) resume by replay when a new engine opens it.
 */
export class MemoryEngine implements EngineClient, WorkflowHost {
  readonly backend: string;
  readonly capabilities: Capabilities = ALL_CAPABILITIES;
  readonly store: ExecutionStore;
  readonly clock: Clock;
  readonly maxPayloadBytes: number;
  readonly #live = new Map<string, LiveExecution>();
  readonly #watchers = new Map<string, Set<() => void>>();
  /** Delayed executions claimed here whose start timer is set. */
  readonly #pendingStarts = new Set<string>();
  #alive = true;
  #runningSteps = 0;
  readonly #timers = new Set<Timer>();
  readonly #executionHost: ExecutionHost;
  readonly #interceptContext: (context: EngineContext) => EngineContext;
  readonly #worker: boolean;
  readonly #db: StoreConnection;
  readonly #onClose: () => void;

  constructor(
    readonly registry: Registry,
    options: MemoryEngineOptions = {},
  ) {
    this.backend = options.backend ?? 'memory';
    this.#onClose = options.onClose ?? (() => {});
    this.store = options.store ?? createInMemoryStore();
    this.clock = options.clock ?? realClock;
    this.maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
    this.#worker = options.worker ?? true;
    this.#interceptContext = options.interceptContext ?? ((context) => context);
    if (this.clock instanceof VirtualClock) this.clock.setIdleCheck(() => this.#runningSteps === 0);
    this.#executionHost = {
      clock: { now: () => this.clock.now(), at: (at, callback) => this.#at(at, callback) },
      save: (record) => this.#save(record),
      isAlive: () => this.#alive,
    };
    this.#db = this.store.connect({ worker: this.#worker });
    this.#db.subscribe((id) => this.#changedElsewhere(id));
    this.#recover();
  }

  // ---- EngineClient ----

  async start(request: StartRequest, delayMs?: number): Promise<void> {
    this.startExecution(request, delayMs);
  }

  async outcome(ref: ExecutionRef): Promise<ExecutionOutcome> {
    const { outcome } = this.#find(ref);
    if (outcome) return jsonCopy(outcome);
    return new Promise((resolve) => {
      const check = () => {
        const outcome = this.#find(ref).outcome;
        if (!outcome) return;
        this.#unwatch(ref.executionId, check);
        resolve(jsonCopy(outcome));
      };
      this.#watch(ref.executionId, check);
      check();
    });
  }

  async status(ref: ExecutionRef): Promise<ExecutionStatus> {
    const { status } = this.#find(ref);
    return status === 'scheduled' ? 'running' : status;
  }

  async settlePromise(ref: ExecutionRef, name: string, settlement: PromiseSettlement): Promise<boolean> {
    this.#find(ref);
    if (!this.#alive) return false;
    const result = this.#db.settle(ref.executionId, name, settlement);
    this.#delivered(ref, result);
    return result === 'won';
  }

  async getState(ref: ExecutionRef, key: string | undefined): Promise<unknown> {
    const { state } = this.#findCommitted(ref);
    return jsonCopy(key === undefined ? state : ownValue(state, key));
  }

  async send(ref: ExecutionRef, channel: string, message: unknown): Promise<void> {
    this.deliver(ref, channel, message);
  }

  async cancel(ref: ExecutionRef): Promise<void> {
    this.#find(ref);
    this.cancelExecution(ref);
  }

  /**
   * Stops this engine: nothing more runs or is persisted, its timers are cancelled (the process can exit) and its
   * executions are handed back to the store, for another worker to resume at once.
   */
  async close(): Promise<void> {
    this.#stop(true);
  }

  /**
   * Stops this engine as a crash would, mid-flight: nothing more is persisted, running code is abandoned. A new
   * engine over the same store resumes the executions (over a shared store, once this engine's claims lapse).
   */
  crash(): void {
    this.#stop(false);
  }

  #stop(release: boolean): void {
    if (!this.#alive) return;
    this.#alive = false;
    for (const timer of this.#timers) timer.cancel();
    this.#timers.clear();
    try {
      this.#db.close(release);
    } finally {
      this.#onClose();
    }
  }

  // ---- WorkflowHost ----

  now(): number {
    return this.clock.now();
  }

  isAlive(): boolean {
    return this.#alive;
  }

  startExecution(request: StartRequest, delayMs?: number): void {
    const live = this.#live.get(request.executionId)?.record;
    if (live) {
      this.#checkOwner(live, request);
      return;
    }
    // No read first: `create` writes nothing when the id is taken and returns the record that holds it.
    this.registry.workflow(request.workflowName);
    const delayed = delayMs !== undefined && delayMs > 0;
    const record = newRecord(
      { id: request.executionId, workflowName: request.workflowName, input: request.input },
      delayed ? this.clock.now() + delayMs : undefined,
    );
    if (!this.#alive) return;
    const existing = this.#db.create(record);
    if (existing) {
      this.#checkOwner(existing, request);
      return;
    }
    this.#notifyWatchers(record.id);
    this.#schedule(record);
  }

  #checkOwner(existing: ExecutionRecord, request: StartRequest): void {
    if (existing.workflowName !== request.workflowName) {
      throw idOwnedByOtherWorkflow(request.executionId, existing.workflowName, request.workflowName);
    }
  }

  /** A delayed execution not started yet ends at once; a running one is told (a no-op once it ended). */
  cancelExecution(ref: ExecutionRef): void {
    this.#find(ref);
    if (!this.#alive) return;
    this.#db.requestCancel(ref.executionId, failureOutcome(new CancelledError()));
    this.#refresh(ref.executionId);
  }

  deliver(ref: ExecutionRef, channel: string, message: unknown): void {
    this.#find(ref);
    if (!this.#alive) return;
    this.#delivered(ref, this.#db.deliver(ref.executionId, channel, message));
  }

  /**
   * Makes the progress durable before a step attempt of `executionId` runs. When the store cannot, the attempt does
   * not run: the execution is dropped (claimed by another worker), or resumed from the store a second later (a busy
   * or failing store), as after a failed write.
   */
  stepStarted(executionId: string): void {
    this.#runningSteps++;
    if (!this.#alive) return;
    try {
      this.#db.flush();
    } catch (error) {
      this.#storeFailed(executionId, error);
    }
  }

  stepFinished(): void {
    this.#runningSteps--;
  }

  // ---- internals ----

  #recover(): void {
    if (!this.#worker) return;
    for (const id of this.#db.claimable()) this.#claimAndSchedule(id);
  }

  /** Another connection changed an execution, or one became claimable: refresh it here, or take it over. */
  #changedElsewhere(id: string): void {
    if (!this.#alive) return;
    if (this.#live.has(id)) {
      this.#refresh(id);
      return;
    }
    this.#notifyWatchers(id);
    if (this.#worker) this.#claimAndSchedule(id);
  }

  #claimAndSchedule(id: string): void {
    if (this.#live.has(id) || this.#pendingStarts.has(id)) return;
    const record = this.#db.read(id);
    if (!record || ENDED_STATUSES.has(record.status) || !this.#db.claim(id)) return;
    this.#schedule(record);
  }

  /** The inbound fields changed in the store (a delivery, here or elsewhere): the live copy takes them, waiters re-check. */
  #refresh(id: string): void {
    const live = this.#live.get(id);
    const inbound = live && this.#db.readInbound(id);
    if (live && inbound) {
      Object.assign(live.record, inbound);
      live.notify();
    }
    this.#notifyWatchers(id);
  }

  /** After a settlement or a message: refused once the execution ended. */
  #delivered(ref: ExecutionRef, result: 'won' | 'lost' | 'accepted' | 'ended'): void {
    if (result === 'ended') {
      const { status } = this.#find(ref);
      throw new ExecutionEndedError(ref.workflowName, ref.executionId, status as 'completed' | 'failed' | 'cancelled');
    }
    this.#refresh(ref.executionId);
  }

  #schedule(record: ExecutionRecord): void {
    if (!this.#worker) return;
    if (record.status === 'scheduled') {
      this.#pendingStarts.add(record.id);
      this.#at(record.startAt ?? 0, () => {
        this.#pendingStarts.delete(record.id);
        this.#begin(record.id);
      });
    } else {
      this.#run(record);
    }
  }

  /** A delayed execution is due: re-read it (it may have been cancelled meanwhile), mark it running and run it. */
  #begin(id: string): void {
    if (!this.#alive || !this.#db.begin(id)) return;
    const record = this.#db.read(id);
    this.#notifyWatchers(id);
    if (record) this.#run(record);
  }

  /**
   * Loads a running execution and drives it. `record` is this engine's own copy, as persisted: just written by
   * `startExecution` or just read from the store, so it needs neither another read nor another write.
   */
  #run(record: ExecutionRecord): void {
    if (!this.#alive || this.#live.has(record.id)) return;
    const live = new LiveExecution(record, this.#executionHost);
    this.#live.set(record.id, live);
    void this.#drive(live);
  }

  async #drive(live: LiveExecution): Promise<void> {
    const { record } = live;
    const context = new MemoryEngineContext(live, this);
    let outcome: ExecutionOutcome;
    try {
      const definition = this.registry.workflow(record.workflowName);
      const engine = this.#interceptContext(context);
      const value = await executeWorkflow(definition, engine, jsonCopy(record.input), this.maxPayloadBytes);
      outcome = { status: 'completed', value };
    } catch (error) {
      outcome = failureOutcome(error);
    }
    if (context.divergence) outcome = failureOutcome(context.divergence);
    live.update((r) => {
      r.status = outcome.status;
      r.outcome = outcome;
    });
    this.#live.delete(record.id);
  }

  /** Sets a timer this engine cancels when it closes. */
  #at(at: number, callback: () => void): Timer {
    const timer = this.clock.at(at, () => {
      this.#timers.delete(timer);
      callback();
    });
    this.#timers.add(timer);
    return {
      cancel: () => {
        this.#timers.delete(timer);
        timer.cancel();
      },
    };
  }

  /**
   * The record as durable, for a read from outside: a store may defer a worker's progress (sqlite groups it into
   * one commit), and a client must never see what a crash would then lose. When the store cannot commit, the
   * execution's live copy is dropped and the read answers from the store.
   */
  #findCommitted(ref: ExecutionRef): ExecutionRecord {
    if (this.#alive && this.#live.has(ref.executionId)) {
      try {
        this.#db.flush();
      } catch (error) {
        this.#storeFailed(ref.executionId, error);
      }
    }
    return this.#find(ref);
  }

  #find(ref: ExecutionRef): ExecutionRecord {
    const record = this.#live.get(ref.executionId)?.record ?? this.#db.read(ref.executionId);
    if (!record || record.workflowName !== ref.workflowName) {
      throw new ExecutionNotFoundError(ref.workflowName, ref.executionId);
    }
    return record;
  }

  /**
   * Another worker runs the execution now (`ClaimLostError`, which names it), or the store failed (a disk error, a
   * lock held too long): this copy persists nothing more and its waits never end. After a store failure, the
   * execution resumes from what the store holds once it answers.
   */
  #storeFailed(id: string, error: unknown): void {
    if (error instanceof ClaimLostError) {
      this.#lost(error.executionId);
      return;
    }
    this.#lost(id);
    this.#at(this.clock.now() + 1_000, () => this.#claimAndSchedule(id));
  }

  /** Drops the live copy of an execution this engine can no longer persist: its running code is abandoned. */
  #lost(id: string): void {
    this.#live.get(id)?.abandon();
    this.#live.delete(id);
  }

  #save(record: ExecutionRecord): void {
    if (!this.#alive) return;
    const live = this.#live.get(record.id);
    try {
      this.#db.write(record);
    } catch (error) {
      this.#storeFailed(record.id, error);
      return;
    }
    live?.notify();
    // Watchers wait for the outcome, which only the last write of the execution sets.
    if (record.outcome) this.#notifyWatchers(record.id);
  }

  #notifyWatchers(id: string): void {
    const watchers = this.#watchers.get(id);
    if (watchers) for (const watcher of [...watchers]) watcher();
  }

  #watch(id: string, watcher: () => void): void {
    if (!this.#alive) return;
    const set = this.#watchers.get(id) ?? new Set();
    set.add(watcher);
    this.#watchers.set(id, set);
  }

  #unwatch(id: string, watcher: () => void): void {
    const watchers = this.#watchers.get(id);
    watchers?.delete(watcher);
    if (watchers?.size === 0) this.#watchers.delete(id);
  }
}
