import * as restate from '@restatedev/restate-sdk';

interface Waiter {
  readonly promise: restate.RestatePromise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface Settled {
  readonly index: number;
  readonly value?: unknown;
  readonly failure?: unknown;
}

const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Lets workflow code wait for several Restate operations at once. Restate's TypeScript SDK drives one awaited Restate
 * promise at a time: two concurrent `await`s (what `Promise.all([ctx.run(a), ctx.run(b)])` does) fail the attempt
 * with "awaitNext already pending", and waiting for several takes one of its combinators. Workflow code uses plain
 * promises, so the adapter awaits every Restate promise of an execution through this driver: it waits for the first
 * of all pending promises with a single `RestatePromise.race`, hands that one to its waiter, lets the workflow code
 * go on until it waits again (one macrotask: workflow code only waits on operations of its context), and races again
 * over what is pending then. The journal decides which promise completes first on replay, and the code between two
 * races is deterministic, so a replay issues the same operations in the same order.
 */
export class AwaitDriver {
  readonly #waiting: Waiter[] = [];
  #running = false;

  /** Waits for a Restate promise (other promises are awaited as they are). */
  wait<T>(promise: Promise<T>): Promise<T> {
    if (!restate.isRestatePromise(promise)) return promise;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push({ promise, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#running) {
        this.#running = true;
        void this.#run();
      }
    });
  }

  async #run(): Promise<void> {
    try {
      for (;;) {
        await nextMacrotask();
        const batch = [...this.#waiting];
        if (batch.length === 0) return;
        if (batch.length === 1) {
          await this.#waitForOne(batch[0] as Waiter);
          continue;
        }
        let settled: Settled;
        try {
          settled = await restate.RestatePromise.race(
            batch.map((waiter, index) => waiter.promise.map((value, failure) => ({ index, value, failure }))),
          );
        } catch (error) {
          // The invocation was cancelled (Restate delivers that once, to the wait in progress): every pending wait
          // is interrupted.
          this.#waiting.splice(0);
          for (const waiter of batch) waiter.reject(error);
          continue;
        }
        const waiter = batch[settled.index] as Waiter;
        this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
        if (settled.failure === undefined) waiter.resolve(settled.value);
        else waiter.reject(settled.failure);
      }
    } finally {
      this.#running = false;
    }
  }

  /** The common case, one pending wait: awaited as it is (a race of one, without the combinator's cost). */
  async #waitForOne(waiter: Waiter): Promise<void> {
    try {
      const value = await waiter.promise;
      this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
      waiter.resolve(value);
    } catch (error) {
      if (error instanceof restate.CancelledError) this.#waiting.splice(0);
      else this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
      waiter.reject(error);
    }
  }
}
