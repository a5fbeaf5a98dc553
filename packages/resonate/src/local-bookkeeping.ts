/**
 * Local mode's bookkeeping of children and cancellation (what the `<id>:c.<n>` watch-list promises and the wait
 * registry do on a server): in-process state lives exactly as long as the promises of its store, and each call is one
 * synchronous step, so nothing can slip between a check and a registration.
 */
export class LocalBookkeeping {
  /** An execution's outcome, from the close of its watch list to the settlement of its root promise. */
  readonly #closed = new Map<string, unknown>();
  /** The waiter promises of the executions waiting for an execution. */
  readonly #watchers = new Map<string, Set<string>>();
  /** The waiter promises an execution waits on (interrupted by its cancellation). */
  readonly #waits = new Map<string, Set<string>>();
  /** The executions asked to cancel. */
  readonly #cancelled = new Set<string>();
  /** The cancel signals of executions whose steps ran (aborted by their cancellation). */
  readonly #signals = new Map<string, AbortController>();
  /** Per execution, the failed attempts of its steps, by step promise id (what `<id>:f.<n>.<k>` records on a server). */
  readonly #failures = new Map<string, Map<string, unknown>>();

  /**
   * Local watch lists (what `<id>:c.<n>` promises do on a server): returns the execution's outcome when it
   * closed already, else registers `waitId` to receive it. In-process state lives exactly as long as the promises of
   * this store, and each call is one synchronous step: no watcher can slip between a close and its registration.
   */
  watch(executionId: string, waitId: string): unknown {
    const closed = this.#closed.get(executionId);
    if (closed !== undefined) return closed;
    addTo(this.#watchers, executionId, waitId);
    return undefined;
  }

  /** Withdraws a watcher (the watched execution turned out to have ended). */
  unwatch(executionId: string, waitId: string): void {
    removeFrom(this.#watchers, executionId, waitId);
  }

  /**
   * Closes an execution's watch list with its outcome (the first close wins, as on the promises); returns
   * the closing outcome and the waiters to settle with it: all of them at every close (a close repeated by a later
   * pass settles again those an interrupted one may have missed; settling a settled waiter changes nothing).
   */
  close(executionId: string, outcome: unknown): { outcome: unknown; watchers: string[] } {
    if (!this.#closed.has(executionId)) this.#closed.set(executionId, outcome);
    return { outcome: this.#closed.get(executionId), watchers: [...(this.#watchers.get(executionId) ?? [])] };
  }

  /** Registers a waiter promise of an execution for cancellation; tells whether it was cancelled. */
  registerWait(executionId: string, waitId: string): boolean {
    addTo(this.#waits, executionId, waitId);
    return this.#cancelled.has(executionId);
  }

  /** Marks an execution cancelled and aborts its signal; returns the waiter promises to interrupt. */
  cancel(executionId: string): string[] {
    this.#cancelled.add(executionId);
    this.#signals.get(executionId)?.abort();
    this.#signals.delete(executionId);
    return [...(this.#waits.get(executionId) ?? [])];
  }

  isCancelled(executionId: string): boolean {
    return this.#cancelled.has(executionId);
  }

  /** Aborted when the execution is asked to cancel (one per execution, kept until it ends). */
  cancelSignal(executionId: string): AbortSignal {
    if (this.#cancelled.has(executionId)) return ABORTED;
    let controller = this.#signals.get(executionId);
    if (!controller) {
      controller = new AbortController();
      this.#signals.set(executionId, controller);
    }
    return controller.signal;
  }

  /** The failed attempts of a step (named by its promise id), as {@link recordFailedAttempts} recorded them. */
  failedAttempts(executionId: string, stepId: string): unknown {
    return this.#failures.get(executionId)?.get(stepId);
  }

  recordFailedAttempts(executionId: string, stepId: string, failure: unknown): void {
    let steps = this.#failures.get(executionId);
    if (!steps) {
      steps = new Map();
      this.#failures.set(executionId, steps);
    }
    steps.set(stepId, failure);
  }

  /** The execution's root promise is settled: readers find the outcome there from now on. */
  forget(executionId: string): void {
    this.#closed.delete(executionId);
    this.#watchers.delete(executionId);
    this.#waits.delete(executionId);
    this.#cancelled.delete(executionId);
    this.#signals.delete(executionId);
    this.#failures.delete(executionId);
  }
}

const ABORTED = AbortSignal.abort();

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

function removeFrom(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set?.delete(value) && set.size === 0) map.delete(key);
}
