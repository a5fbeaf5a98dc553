import { CancelledError } from '@durable-runtime/core';
import { CancellationScope } from '@temporalio/workflow';

/**
 * The cancellation of the current execution, as core's semantics need it (rule 13). Temporal cancels the root
 * scope; the adapter decides what that means:
 * - a wait issued before the cancellation (step, sleep, promise, receive, child call) runs in the root scope, so
 *   Temporal interrupts it (and cancels the activity or the child), and its await throws `CancelledError`, also
 *   when its result arrived in the same activation as the cancellation (a result never outruns a cancel);
 * - after the cancellation, new waits throw `CancelledError` at once, while steps, sends and child starts run in a
 *   non-cancellable scope, so that the workflow can compensate in `catch`/`finally`.
 */
export class Cancellation {
  readonly #root: CancellationScope;

  /** Must be created in the workflow function's own (root) scope. */
  constructor() {
    this.#root = CancellationScope.current();
  }

  /** True once Temporal delivered the cancellation (synchronously, before any continuation of that activation). */
  get requested(): boolean {
    return this.#root.consideredCancelled;
  }

  /** A wait: `CancelledError` at once after the cancellation; otherwise interrupted by it. */
  async wait<T>(work: () => Promise<T>): Promise<T> {
    if (this.requested) throw new CancelledError();
    return this.interruptible(work);
  }

  /** A step: interrupted by a cancellation while it runs; run to its end when issued after one. */
  step<T>(work: () => Promise<T>): Promise<T> {
    return this.requested ? CancellationScope.nonCancellable(work) : this.interruptible(work);
  }

  /** An operation the cancellation never interrupts (a send, a child start). */
  shielded<T>(work: () => Promise<T>): Promise<T> {
    return CancellationScope.nonCancellable(work);
  }

  async interruptible<T>(work: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await this.#root.run(work);
    } catch (error) {
      if (this.requested) throw new CancelledError();
      throw error;
    }
    if (this.requested) throw new CancelledError();
    return result;
  }
}
