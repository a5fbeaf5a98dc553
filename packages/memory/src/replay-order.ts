/**
 * Hands results back to a replaying workflow one per macrotask turn, as Temporal delivers activations: first the
 * recorded ones, in the order they first reached the workflow, then those of operations that completed in this run
 * meanwhile, in the order they completed. The continuation of one result (which may issue new operations, in a
 * branch of a `Promise.all`) runs before the next is handed back, so the replay issues operations in the recorded
 * order whatever the interleaving of the first run was, and this run's order can be replayed in turn.
 */
export class ReplayOrder {
  #next = 0;
  readonly #recordedTurns = new Map<number, Waiter>();
  readonly #liveTurns: Waiter[] = [];
  #scheduled = false;
  #idleTurns = 0;

  /**
   * `recorded`: how many operations had completed before this run. `stalled` builds the error for a replay that
   * never reaches the operation whose turn it is.
   */
  constructor(
    private readonly recorded: number,
    private readonly stalled: (done: number) => Error,
  ) {}

  /** True while results are still handed back in turns (afterwards every result goes back at once). */
  get replaying(): boolean {
    return this.#next < this.recorded || this.#liveTurns.length > 0 || this.#scheduled;
  }

  /** Resolves when it is the turn of the operation that completed `done`-th before this run. */
  turn(done: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#recordedTurns.set(done, { resolve, reject });
      this.#pump();
    });
  }

  /** Resolves when it is the turn of an operation that completed in this run, after every recorded one. */
  liveTurn(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#liveTurns.push({ resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    if (this.#scheduled || (this.#recordedTurns.size === 0 && this.#liveTurns.length === 0)) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      const waiter = this.#next < this.recorded ? this.#recordedTurns.get(this.#next) : this.#liveTurns.shift();
      if (waiter) {
        this.#idleTurns = 0;
        if (this.#next < this.recorded) this.#recordedTurns.delete(this.#next++);
        waiter.resolve();
      } else if (++this.#idleTurns > STALL_TURNS) {
        // Later results wait for one the replay never reached: the code no longer issues that operation.
        const error = this.stalled(this.#next);
        for (const other of [...this.#recordedTurns.values(), ...this.#liveTurns.splice(0)]) other.reject(error);
        this.#recordedTurns.clear();
        return;
      }
      this.#pump();
    });
  }
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

/** Turns without the awaited operation after which a replay is known to have diverged (each is one macrotask). */
const STALL_TURNS = 100;
