import { ConfigError } from '@durable-runtime/core';
import { LocalNetwork, type Message, type PromiseRecord } from '@resonatehq/sdk';
import { DeadlineTimers } from './deadline-timers.js';
import { LocalBookkeeping } from './local-bookkeeping.js';
import { type AcquireHook, LocalWorkerNetwork, type TaskRef } from './local-worker-network.js';
import type { ResonateNetwork } from './resonate-network.js';

/** Where the adapter keeps its bookkeeping on a {@link LocalStore}: see {@link LocalStoreOptions.bookkeeping}. */
export type LocalStoreBookkeeping = 'in-process' | 'server';

/** Options of a {@link LocalStore}. */
export interface LocalStoreOptions {
  /**
   * `'in-process'` (local mode proper): the adapter keeps children's watch lists, the cancellation flags and wait
   * registry and the failed attempts of steps in the store's memory, knows its executions from the store's index,
   * starts the first pass in the starting worker (`resonate.run`), and learns of settlements from the store.
   *
   * `'server'`: the adapter uses this store as it uses a Resonate server or PostgreSQL: that bookkeeping is kept in
   * durable promises (`<id>:c.<n>`, `<id>:cancel`, `<id>:w.<n>`, `<id>:f.<position>.<k>`), starts are `resonate.rpc`,
   * results are awaited through the SDK's listeners, ids are checked by reads, and running passes read their waiters.
   * Only the transport stays the store's (tasks to one worker, handed back on stop, timers read at their deadline).
   * It runs the code paths of the server and PostgreSQL modes in process, as the conformance column
   * "resonate (in-process store, server bookkeeping)" does; it is slower. All runtimes of a store use its mode.
   * @default 'in-process'
   */
  readonly bookkeeping?: LocalStoreBookkeeping | undefined;
}

/**
 * An in-process Resonate store: the SDK's `LocalNetwork` (an in-memory Resonate server whose timers tick once a
 * second), shared by the runtimes of one process. Each runtime's worker attaches to it through its own network, so a
 * worker can stop, as a crashed process would, while another one takes over the same durable state: that is how
 * local mode simulates a restart. Nothing survives the process. The store runs while a worker is attached.
 *
 * A task message goes to one worker (the one attached last, which a restart brings), not to every worker: the
 * others would only fail to claim it. A worker that stops hands back the tasks it holds, so that another worker
 * resumes them at once rather than after the SDK's lease (a minute); a task handed back while no worker is attached
 * goes to the next worker that attaches.
 */
export class LocalStore {
  /** Where the adapter keeps its bookkeeping on this store (see {@link LocalStoreOptions.bookkeeping}). */
  readonly bookkeeping: LocalStoreBookkeeping;
  /** @internal Children's watch lists, cancellation's wait registry and failed attempts: `'in-process'` only. */
  readonly memory: LocalBookkeeping | undefined;
  readonly #network = new LocalNetwork({ group: 'durable-runtime' });
  readonly #workers: LocalWorkerNetwork[] = [];
  /** Execution id -> workflow name of every execution created on this store (see {@link claimRoot}). */
  readonly #roots = new Map<string, string>();
  /** The executions of {@link #roots} whose root promise a worker settled. */
  readonly #ended = new Set<string>();
  /** Tasks to run that no worker could take (none was attached): the next worker that attaches gets them. */
  readonly #undelivered = new Map<string, number>();
  /** Who waits for the settlement of which root promise (see {@link settlement}). */
  readonly #waiters = new Map<string, Set<(record: PromiseRecord) => void>>();
  /** Timer promises not yet due (see {@link timer}). */
  readonly #timers = new DeadlineTimers((id) => this.#readAtDeadline(id));
  /** Who watches which promise in a running pass (see {@link watch}). */
  readonly #watches = new Map<string, Set<(record: PromiseRecord) => void>>();
  #running = false;
  /** The protocol version of the SDK's requests (for the store's own requests). */
  #protocol: string | undefined;

  constructor(options: LocalStoreOptions = {}) {
    const bookkeeping = options.bookkeeping ?? 'in-process';
    if (bookkeeping !== 'in-process' && bookkeeping !== 'server') {
      throw new ConfigError(`LocalStore: bookkeeping must be 'in-process' or 'server', not '${String(bookkeeping)}'`);
    }
    this.bookkeeping = bookkeeping;
    this.memory = bookkeeping === 'in-process' ? new LocalBookkeeping() : undefined;
  }

  /** A network for one worker (`new Resonate({ network })`); it joins the store on `init()`, leaves on `stop()`. */
  attach(options: { readonly worker?: boolean; readonly acquired?: AcquireHook } = {}): ResonateNetwork {
    return new LocalWorkerNetwork(this, this.#network, options.worker ?? true, options.acquired);
  }

  /** Whether a worker is attached (the store's clock then ticks). */
  get running(): boolean {
    return this.#running;
  }

  /**
   * @internal The workflow of an execution created on this store, or `undefined` when none has this id. Every root
   * promise of the store is created by a runtime through {@link claimRoot} (the store is private to this process), so
   * this index answers without a store request.
   */
  rootWorkflow(executionId: string): string | undefined {
    return this.#roots.get(executionId);
  }

  /**
   * @internal Records that the caller creates the execution now. It must create the root promise in the same
   * synchronous run (the in-process store applies a request when it is sent), so that whoever finds the id here also
   * finds it in the store; it calls {@link unclaimRoot} when the creation fails.
   */
  claimRoot(executionId: string, workflowName: string): void {
    this.#roots.set(executionId, workflowName);
  }

  /** @internal Whether an execution of this store was created and has not ended (its root promise is pending). */
  rootRunning(executionId: string): boolean {
    return this.#roots.has(executionId) && !this.#ended.has(executionId);
  }

  /** @internal Forgets a claim whose creation failed. */
  unclaimRoot(executionId: string): void {
    this.#roots.delete(executionId);
  }

  /**
   * @internal The settlement of an execution's root promise as a worker of this store records it (its answer to the
   * task's `task.fulfill`): the outcome without waiting for the SDK's notice, which the in-process store sends on a
   * timer. `cancel()` when no longer interested.
   */
  settlement(executionId: string): { readonly settled: Promise<PromiseRecord>; cancel(): void } {
    let resolve: (record: PromiseRecord) => void = () => undefined;
    const promise = new Promise<PromiseRecord>((settle) => {
      resolve = settle;
    });
    let waiters = this.#waiters.get(executionId);
    if (!waiters) {
      waiters = new Set();
      this.#waiters.set(executionId, waiters);
    }
    waiters.add(resolve);
    const cancel = () => {
      const current = this.#waiters.get(executionId);
      if (current?.delete(resolve) && current.size === 0) this.#waiters.delete(executionId);
    };
    return { settled: promise, cancel };
  }

  /**
   * @internal Reads a promise (`undefined` when none has this id), as `resonate.promises.get` does but without the
   * exception the SDK builds for an absent one (reads of ids that do not exist yet are common: slots, the end of a
   * replay). `undefined` instead of a read until a worker sent its first request (the protocol version is then known)
   * or while no worker is attached.
   */
  read(id: string): Promise<PromiseRecord | undefined> | undefined {
    if (this.#protocol === undefined || !this.#running) return undefined;
    return this.#network
      .send({ kind: 'promise.get', head: { corrId: crypto.randomUUID(), version: this.#protocol }, data: { id } })
      .then((response) => {
        if (response.head.status === 200) {
          const { promise } = response.data as { promise: PromiseRecord };
          this.observe(promise);
          return promise;
        }
        if (response.head.status === 404) return undefined;
        throw new Error(
          `Resonate local store: reading ${id} answered ${response.head.status}: ${String(response.data)}`,
        );
      });
  }

  /**
   * @internal Calls `settled` when a request of a runtime of this store (a settle, a read, the read at a timer's
   * deadline) finds the promise settled: a running pass learns at once of the settlement of a promise it waits on.
   * Returns the function that stops watching.
   */
  watch(id: string, settled: (record: PromiseRecord) => void): () => void {
    let watchers = this.#watches.get(id);
    if (!watchers) {
      watchers = new Set();
      this.#watches.set(id, watchers);
    }
    watchers.add(settled);
    return () => {
      const current = this.#watches.get(id);
      if (current?.delete(settled) && current.size === 0) this.#watches.delete(id);
    };
  }

  /** @internal A request found this promise settled: tells its watchers (once). */
  observe(record: PromiseRecord): void {
    if (this.#watches.size === 0 || record.state === 'pending') return;
    const watchers = this.#watches.get(record.id);
    if (!watchers) return;
    this.#watches.delete(record.id);
    for (const settled of watchers) settled(record);
  }

  /** The protocol version the workers' requests use. */
  protocol(version: string): void {
    this.#protocol ??= version;
  }

  /**
   * A timer promise (a sleep, a wait's timeout) that a worker created: it is settled at its deadline. The in-process
   * server settles timers on the tick of its clock, once a second, and settles a promise past its deadline on any
   * request that names it: the store sends such a request (a read) at the deadline, so a sleep wakes on time rather
   * than up to a second late. Never early: the server settles only at or after the deadline. When no worker is
   * attached at the deadline, the clock's tick settles the timer once one is.
   */
  timer(id: string, timeoutAt: number): void {
    this.#timers.arm(id, timeoutAt);
  }

  #readAtDeadline(id: string): void {
    void this.read(id)?.catch(() => undefined);
  }

  /** A worker's task settled its root promise. */
  settled(record: PromiseRecord): void {
    if (record.state === 'pending') return;
    this.#ended.add(record.id);
    this.memory?.forget(record.id);
    const waiters = this.#waiters.get(record.id);
    if (!waiters) return;
    this.#waiters.delete(record.id);
    for (const resolve of waiters) resolve(record);
  }

  join(worker: LocalWorkerNetwork): void {
    this.#workers.push(worker);
    if (worker.takesTasks && this.#undelivered.size > 0) {
      const tasks = [...this.#undelivered];
      this.#undelivered.clear();
      // After the runtime being created registered its workflows (a later macrotask than its construction).
      setTimeout(() => {
        for (const [id, version] of tasks) {
          this.#dispatch({ kind: 'execute', head: {}, data: { task: { id, version } } });
        }
      }, 0);
    }
    if (this.#running) return;
    this.#running = true;
    this.#network.recv((message) => this.#dispatch(message));
    void this.#network.init();
  }

  leave(worker: LocalWorkerNetwork): void {
    const index = this.#workers.indexOf(worker);
    if (index !== -1) this.#workers.splice(index, 1);
    if (this.#workers.length > 0 || !this.#running) return;
    this.#running = false;
    // Stops the clock and drops the subscriber registered in join(); the promises stay in memory.
    void this.#network.stop();
  }

  /** A task that a stopping worker handed back: it goes to the next worker when no other one takes it now. */
  handedBack(task: TaskRef): void {
    if (!this.#workers.some((worker) => worker.takesTasks)) this.#undelivered.set(task.id, task.version);
  }

  #dispatch(message: Message): void {
    if (message.kind !== 'execute') {
      for (const worker of this.#workers) worker.deliver(message);
      return;
    }
    const { id, version } = message.data.task;
    // The task of a timer (`ctx.sleep`, a wait with a timeout: the only promises with a target inside an execution,
    // `<execution>:<n>`) has no function to run: the SDK would claim it only to drop it (or, when the message comes
    // after the deadline, fail to claim it and log a warning). The timer itself settles at its deadline (see timer()).
    if (id.includes(':')) return;
    for (let i = this.#workers.length - 1; i >= 0; i--) {
      const worker = this.#workers[i] as LocalWorkerNetwork;
      if (worker.takesTasks) {
        this.#undelivered.delete(id);
        worker.deliver(message);
        return;
      }
    }
    this.#undelivered.set(id, version);
  }
}
