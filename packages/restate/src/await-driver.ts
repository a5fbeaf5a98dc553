import * as restate from '@restatedev/restate-sdk';

interface Waiter {
  /** The Restate promise; for a deferred wait, made at the first turn that waits for it. */
  promise: restate.RestatePromise<unknown> | undefined;
  readonly create?: (concurrent: boolean) => restate.RestatePromise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** A waiter whose Restate promise is made. */
type Issued = Waiter & { promise: restate.RestatePromise<unknown> };

/** How a wait ended: a value, or a failure. */
interface Ended {
  readonly value?: unknown;
  readonly failure?: unknown;
}

/**
 * Lets workflow code wait for several Restate operations at once. Restate's TypeScript SDK drives one awaited Restate
 * promise at a time: two concurrent `await`s (what `Promise.all([ctx.run(a), ctx.run(b)])` does) fail the attempt
 * with "awaitNext already pending", and waiting for several takes one of its combinators. Workflow code uses plain
 * promises, so the adapter awaits every Restate promise of an execution through this driver: it waits for the first
 * of all pending promises with a single `RestatePromise.race`, hands that one to its waiter, lets the workflow code
 * go on until it waits again (one macrotask: workflow code only waits on operations of its context), and races again
 * over what is pending then. The journal decides which promise completes first on replay, and the code between two
 * races is deterministic, so a replay issues the same operations in the same order.
 *
 * Written with callbacks rather than async functions: every wait of every execution passes through here.
 */
export class AwaitDriver {
  readonly #waiting: Waiter[] = [];
  /** A turn is scheduled, or a Restate promise is being awaited. */
  #active = false;

  /** Waits for a Restate promise (other promises are awaited as they are). */
  wait<T>(promise: Promise<T>): Promise<T> {
    if (!restate.isRestatePromise(promise)) return promise;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push({ promise, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#active) this.#schedule();
    });
  }

  /**
   * Stops waiting for a Restate promise given to {@link wait}: its wait never settles, and it is left out of every
   * later race (an abandoned wait, such as the timer of a receive that got its message, costs nothing afterwards).
   * Called from workflow code, which is deterministic, so a replay forgets the same waits at the same points.
   */
  forget(promise: Promise<unknown>): void {
    const index = this.#waiting.findIndex((waiter) => waiter.promise === promise);
    if (index >= 0) this.#waiting.splice(index, 1);
  }

  /**
   * Waits for a Restate promise that is made only at the next turn, by `create`, which learns whether other waits are
   * pending with it then (`concurrent`): its command is issued then, after the commands that the workflow code issued
   * meanwhile, identically on replay (the turn is taken at the same point). A step uses it to choose how it runs.
   */
  waitDeferred<T>(create: (concurrent: boolean) => restate.RestatePromise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push({ promise: undefined, create, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#active) this.#schedule();
    });
  }

  #schedule(): void {
    this.#active = true;
    setImmediate(this.#turn);
  }

  /** Awaits the first of the pending promises. */
  readonly #turn = (): void => {
    const batch = this.#issue([...this.#waiting]);
    if (batch.length === 0) {
      this.#active = false;
      return;
    }
    if (batch.length === 1) {
      // The common case, one pending wait: awaited as it is (a race of one, without the combinator's cost).
      const waiter = batch[0] as Issued;
      waiter.promise.then(
        (value) => this.#settle(waiter, { value }),
        (error) =>
          error instanceof restate.CancelledError ? this.#cancel(error) : this.#settle(waiter, { failure: error }),
      );
      return;
    }
    restate.RestatePromise.race(
      batch.map((waiter, index) => waiter.promise.map((value, failure) => ({ index, value, failure }))),
    ).then(
      ({ index, value, failure }) => this.#settle(batch[index] as Issued, { value, failure }),
      // The invocation was cancelled (Restate delivers that once, to the wait in progress): every pending wait is
      // interrupted.
      (error) => this.#cancel(error),
    );
  };

  /** Makes the Restate promises of the deferred waits of `batch`, in order; a wait whose `create` throws fails. */
  #issue(batch: Waiter[]): Issued[] {
    const concurrent = batch.length > 1;
    const issued: Issued[] = [];
    for (const waiter of batch) {
      if (!waiter.promise) {
        try {
          waiter.promise = (waiter.create as (concurrent: boolean) => restate.RestatePromise<unknown>)(concurrent);
        } catch (error) {
          this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
          waiter.reject(error);
          continue;
        }
      }
      issued.push(waiter as Issued);
    }
    return issued;
  }

  #settle(waiter: Waiter, { value, failure }: Ended): void {
    const index = this.#waiting.indexOf(waiter);
    if (index < 0) {
      // Forgotten while it was being awaited: nobody waits for it any more.
      this.#schedule();
      return;
    }
    this.#waiting.splice(index, 1);
    if (failure === undefined) waiter.resolve(value);
    else waiter.reject(failure);
    this.#schedule();
  }

  /** Rejects every pending wait with the invocation's cancellation. */
  #cancel(error: unknown): void {
    for (const waiter of this.#waiting.splice(0)) waiter.reject(error);
    this.#schedule();
  }
}
