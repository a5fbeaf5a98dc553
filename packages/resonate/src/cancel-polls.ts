/** How often a worker reads the cancel flag of an execution whose step runs, on a server. */
const POLL_EVERY_MS = 500;

interface Polled {
  readonly controller: AbortController;
  /** How many running steps hold the signal. */
  holders: number;
}

/**
 * The cancel signals of executions whose steps run on this worker, on a server: each flag is polled (one timer for
 * all of them) while a step holds its signal.
 */
export class CancelPolls {
  readonly #polled = new Map<string, Polled>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly isCancelled: (executionId: string) => Promise<boolean>) {}

  /** The execution's cancel signal, polled until every holder released it. */
  acquire(executionId: string): AbortSignal {
    let polled = this.#polled.get(executionId);
    if (!polled) {
      polled = { controller: new AbortController(), holders: 0 };
      this.#polled.set(executionId, polled);
      void this.#poll(executionId, polled);
    }
    polled.holders++;
    this.#timer ??= setInterval(() => {
      for (const [id, entry] of this.#polled) void this.#poll(id, entry);
    }, POLL_EVERY_MS);
    this.#timer.unref();
    return polled.controller.signal;
  }

  release(executionId: string): void {
    const polled = this.#polled.get(executionId);
    if (!polled || --polled.holders > 0) return;
    this.#polled.delete(executionId);
    if (this.#polled.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  async #poll(executionId: string, polled: Polled): Promise<void> {
    if (polled.controller.signal.aborted) return;
    if (await this.isCancelled(executionId).catch(() => false)) polled.controller.abort();
  }
}
