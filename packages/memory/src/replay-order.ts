/**
 * Hands recorded results back in the order the operations first completed, one per macrotask turn, as Temporal
 * delivers activations: the continuation of one completion (which may issue new operations, in a branch of a
 * `Promise.all`) runs before the next completion is handed back, so a replay issues operations in the recorded order
 * whatever the interleaving of the first run was.
 */
export class ReplayOrder {
  #next = 0;
  readonly #waiting = new Map<number, { resolve(): void; reject(error: Error): void }>();
  #scheduled = false;
  #idleTurns = 0;

  readonly #drainWaiters: Array<{ resolve(): void; reject(error: Error): void }> = [];

  /**
   * `recorded`: how many operations had completed before this run. `stalled` builds the error for a replay that
   * never reaches the operation whose turn it is.
   */
  constructor(
    private readonly recorded: number,
    private readonly stalled: (done: number) => Error,
  ) {}

  /** Resolves once every recorded operation was handed back; `undefined` when that is already so. */
  drained(): Promise<void> | undefined {
    if (this.#next >= this.recorded) return undefined;
    return new Promise((resolve, reject) => {
      this.#drainWaiters.push({ resolve, reject });
      this.#pump();
    });
  }

  /** Resolves when it is the turn of the operation that completed `done`-th. */
  turn(done: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.set(done, { resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    if (this.#scheduled || (this.#waiting.size === 0 && this.#drainWaiters.length === 0)) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      const waiter = this.#waiting.get(this.#next);
      if (waiter) {
        this.#idleTurns = 0;
        this.#waiting.delete(this.#next);
        this.#next++;
        waiter.resolve();
        if (this.#next >= this.recorded) for (const drained of this.#drainWaiters.splice(0)) drained.resolve();
      } else if (++this.#idleTurns > STALL_TURNS) {
        // Later completions wait for one the replay never reached: the code no longer issues it.
        const error = this.stalled(this.#next);
        for (const other of [...this.#waiting.values(), ...this.#drainWaiters.splice(0)]) other.reject(error);
        this.#waiting.clear();
        return;
      }
      this.#pump();
    });
  }
}

/** Turns without the awaited operation after which a replay is known to have diverged (each is one macrotask). */
const STALL_TURNS = 100;
