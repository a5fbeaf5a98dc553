import { CancelPolls } from './cancel-polls.js';
import { promiseIds } from './ids.js';
import type { LocalBookkeeping } from './local-bookkeeping.js';
import type { PromiseStore } from './promise-store.js';
import { CANCEL_MARK } from './slots.js';

/**
 * Cancellation, emulated on durable promises: Resonate cannot interrupt a suspended workflow, but a suspended
 * workflow wakes when a promise it waits on settles. So every wait (sleep, promise, receive) first registers the
 * promise it is about to wait on, in the execution's wait registry (`<id>:w.<n>`), and then checks the cancel flag
 * (`<id>:cancel`). A cancellation sets the flag first and then settles every registered wait with a cancel mark.
 * Either the wait sees the flag, or the cancellation sees the wait: none is missed.
 *
 * In local mode the registry and the flag are kept by the in-process store itself ({@link LocalBookkeeping}, as long-lived
 * as its promises), where registering-and-checking and flagging-and-listing are each one synchronous step.
 */
export class Cancellation {
  readonly #polls: CancelPolls;

  constructor(
    private readonly store: PromiseStore,
    private readonly local?: LocalBookkeeping,
  ) {
    this.#polls = new CancelPolls(async (executionId) => this.isCancelled(executionId));
  }

  /** Whether the execution was asked to cancel (local mode: at once, without a promise). */
  isCancelled(executionId: string): boolean | Promise<boolean> {
    if (this.local) return this.local.isCancelled(executionId);
    return this.store.get(promiseIds.cancel(executionId)).then((flag) => flag !== undefined);
  }

  /**
   * The signal a running step of the execution is told through: aborted when the execution is asked to cancel
   * (already aborted when it was). In local mode at once; on a server the flag is polled until the step calls
   * {@link release}.
   */
  acquire(executionId: string): AbortSignal {
    if (this.local) return this.local.cancelSignal(executionId);
    return this.#polls.acquire(executionId);
  }

  release(executionId: string): void {
    if (!this.local) this.#polls.release(executionId);
  }

  /** Registers the `index`-th wait of an execution, then tells whether the execution was cancelled. */
  async registerWait(executionId: string, index: number, waitId: string): Promise<boolean> {
    if (this.local) return this.local.registerWait(executionId, waitId);
    await this.store.record(promiseIds.wait(executionId, index), executionId, { wait: waitId });
    return (await this.store.get(promiseIds.cancel(executionId))) !== undefined;
  }

  /**
   * The `index`-th wait of an execution took no waiter of its own (its result was there, or it shares another's):
   * on a server its registry entry is written empty, since a cancellation reads the registry up to its first gap.
   */
  async skipWait(executionId: string, index: number): Promise<void> {
    if (!this.local) await this.store.record(promiseIds.wait(executionId, index), executionId, {});
  }

  /** Whether waits register in process memory (local mode): one synchronous step, no durable operation. */
  get inMemory(): boolean {
    return this.local !== undefined;
  }

  /** Local mode: registers a wait and tells whether the execution was cancelled, in one synchronous step. */
  registerWaitInMemory(executionId: string, waitId: string): boolean {
    if (!this.local) throw new Error('internal: the wait registry of a Resonate server is not in memory');
    return this.local.registerWait(executionId, waitId);
  }

  /** Interrupts a wait of a cancelled execution: settles its waiter with the cancel mark. */
  async interrupt(executionId: string, waitId: string): Promise<void> {
    await this.store.settleOrCreate(waitId, executionId, 'rejected_canceled', CANCEL_MARK);
  }

  /** Sets the cancel flag and interrupts every wait the execution registered. */
  async cancel(executionId: string): Promise<void> {
    if (this.local) {
      for (const waitId of this.local.cancel(executionId)) await this.interrupt(executionId, waitId);
      return;
    }
    await this.store.record(promiseIds.cancel(executionId), executionId, { cancelled: true });
    for (let index = 0; ; index++) {
      const registered = await this.store.get(promiseIds.wait(executionId, index));
      if (!registered) return;
      const waitId = (registered.param as { wait?: unknown } | undefined)?.wait;
      if (typeof waitId === 'string') await this.interrupt(executionId, waitId);
    }
  }
}
