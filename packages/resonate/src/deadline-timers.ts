/** The longest delay `setTimeout` takes (a longer one fires at once). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * One timer per id that calls `due(id)` at a wall-clock deadline, never before it (timers run on a monotonic clock:
 * one that fires early is armed again). Timers do not keep the process alive.
 */
export class DeadlineTimers {
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly due: (id: string) => void) {}

  /** Arms the timer of `id`, unless it is armed already. */
  arm(id: string, deadline: number): void {
    if (!this.#timers.has(id)) this.#arm(id, deadline);
  }

  #arm(id: string, deadline: number): void {
    const handle = setTimeout(
      () => {
        if (Date.now() < deadline) return this.#arm(id, deadline);
        this.#timers.delete(id);
        this.due(id);
      },
      Math.min(Math.max(deadline - Date.now(), 0), MAX_TIMEOUT_MS),
    );
    handle.unref();
    this.#timers.set(id, handle);
  }
}
