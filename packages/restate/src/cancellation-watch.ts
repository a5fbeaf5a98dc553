import { type AdminClient, sqlString } from './admin-client.js';

/** How the watch polls: attempts younger than `afterMs` are not watched yet; one query per `intervalMs`. */
export interface CancellationWatchOptions {
  readonly afterMs: number;
  readonly intervalMs: number;
}

interface Watched {
  readonly invocationId: string;
  readonly since: number;
  readonly onCancel: () => void;
}

/**
 * Tells the step attempts of this worker that their execution was cancelled when Restate cannot: an invocation that
 * is waiting only for a step (a `ctx.run` closure) gets no message for a while, and the server then stops sending on
 * its stream (its inactivity timeout asks it to suspend; it cannot while the closure runs), so the cancel signal would
 * reach the workflow only after the attempt ended. The signal is in the invocation's journal at once, though: the watch
 * reads it there (admin SQL, one query for every attempt that runs longer than `afterMs`) and aborts the attempt,
 * which ends with a `CancelledError` like an attempt interrupted through the stream.
 */
export class CancellationWatch {
  readonly #watched = new Set<Watched>();
  #timer: NodeJS.Timeout | undefined;
  #polling = false;

  constructor(
    private readonly admin: AdminClient,
    private readonly options: CancellationWatchOptions,
  ) {}

  /** Calls `onCancel` once if the invocation is cancelled while watched; returns the function that stops watching. */
  watch(invocationId: string, onCancel: () => void): () => void {
    const watched: Watched = { invocationId, since: Date.now(), onCancel };
    this.#watched.add(watched);
    this.#timer ??= setInterval(this.#tick, this.options.intervalMs).unref();
    // The timer stops at a tick with nothing to watch: short steps, one after the other, reuse it.
    return () => this.#watched.delete(watched);
  }

  #stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  readonly #tick = (): void => {
    if (this.#watched.size === 0) {
      this.#stop();
      return;
    }
    if (this.#polling) return;
    const due = Date.now() - this.options.afterMs;
    const long = [...this.#watched].filter((watched) => watched.since <= due);
    if (long.length === 0) return;
    this.#polling = true;
    this.#cancelled(new Set(long.map((watched) => watched.invocationId)))
      .then((cancelled) => {
        for (const watched of long) {
          if (cancelled.has(watched.invocationId) && this.#watched.delete(watched)) watched.onCancel();
        }
      })
      .catch(() => undefined) // best effort: the next tick asks again
      .finally(() => {
        this.#polling = false;
      });
  };

  /** Which of these invocations have the cancel signal (signal 1) in their journal. */
  async #cancelled(invocationIds: ReadonlySet<string>): Promise<Set<string>> {
    const list = [...invocationIds].map(sqlString).join(', ');
    const rows = await this.admin.query<{ id: string }>(
      `SELECT DISTINCT id FROM sys_journal WHERE id IN (${list}) AND entry_type = 'Notification: Signal' AND entry_lite_json LIKE '%"SignalIndex":1}%'`,
    );
    return new Set(rows.map((row) => row.id));
  }
}
