import type { CancelSignal } from '@durable-runtime/core/spi';
import type { Clock } from './clock.js';
import type { ExecutionRecord } from './store.js';

/** How a wait ended. */
export type WaitResult<T> = { kind: 'ready'; value: T } | { kind: 'timeout' } | { kind: 'cancelled' };

/** What a live execution needs from its engine. */
export interface ExecutionHost {
  readonly clock: Clock;
  /** Persists the record and wakes everything waiting on it. */
  save(record: ExecutionRecord): void;
  /** False once the engine crashed or closed: nothing may be persisted any more. */
  isAlive(): boolean;
}

/** A promise that never settles: what a crashed engine hands to code still running in it. */
export const never = <T>() => new Promise<T>(() => {});

/**
 * An execution loaded in this engine: its record and the operations waiting for the record to change (a promise
 * settlement, a message, a cancellation) or for a deadline.
 */
export class LiveExecution {
  readonly #waiters = new Set<() => void>();
  readonly #cancellation: Cancellation;
  #abandoned = false;

  constructor(
    readonly record: ExecutionRecord,
    private readonly host: ExecutionHost,
  ) {
    this.#cancellation = new Cancellation(record);
  }

  /** Aborted once a cancellation of the execution is requested: what its step attempts watch. */
  get cancelSignal(): CancelSignal {
    return this.#cancellation;
  }

  /** False once the engine stopped or another worker took the execution over: nothing may be persisted any more. */
  isAlive(): boolean {
    return !this.#abandoned && this.host.isAlive();
  }

  /** Another worker runs the execution now: this copy persists nothing and its waits never end. */
  abandon(): void {
    this.#abandoned = true;
    this.#waiters.clear();
    this.#cancellation.clear();
  }

  /** Applies a change to the record, persists it and wakes waiters. */
  update(change: (record: ExecutionRecord) => void): void {
    if (!this.isAlive()) return;
    change(this.record);
    this.host.save(this.record);
  }

  /** Re-checks every waiter: called after the record changed. */
  notify(): void {
    this.#cancellation.check();
    if (this.#waiters.size === 0) return;
    for (const check of [...this.#waiters]) check();
  }

  /**
   * Waits until `ready()` returns a value, the deadline passes or the execution is cancelled (when `cancellable`).
   * Checked at once, then after every change of the record.
   */
  wait<T>(ready: () => T | undefined, deadline: number | undefined, cancellable = true): Promise<WaitResult<T>> {
    if (!this.isAlive()) return never();
    return new Promise((resolve) => {
      let timer: { cancel(): void } | undefined;
      let settled = false;
      let checking = false;
      const finish = (result: WaitResult<T>) => {
        settled = true;
        this.#waiters.delete(onChange);
        timer?.cancel();
        if (this.isAlive()) resolve(result);
      };
      // `ready()` may persist (taking a message), which notifies waiters again: never re-enter.
      // The deadline is checked when the wait begins and by its own timer, never as a side effect of another
      // change of the record: each completion then runs in a task of its own, which a replay can reproduce.
      const check = (atDeadline = false) => {
        if (settled || checking) return;
        checking = true;
        try {
          if (cancellable && this.record.cancelRequested) return finish({ kind: 'cancelled' });
          const value = ready();
          if (value !== undefined) return finish({ kind: 'ready', value });
          if (atDeadline && deadline !== undefined && this.host.clock.now() >= deadline) finish({ kind: 'timeout' });
        } finally {
          checking = false;
        }
      };
      const onChange = () => check();
      this.#waiters.add(onChange);
      if (deadline !== undefined) timer = this.host.clock.at(deadline, () => check(true));
      check(true);
    });
  }

  /** Calls `callback` once, when a cancellation of the execution is requested; returns a function to stop watching. */
  onCancel(callback: () => void): () => void {
    const check = () => {
      if (!this.record.cancelRequested) return;
      this.#waiters.delete(check);
      callback();
    };
    this.#waiters.add(check);
    check();
    return () => this.#waiters.delete(check);
  }
}

/**
 * The execution's cancellation as an attempt's signal, without an `AbortController` and its events per attempt:
 * aborted once the record says a cancellation was requested. A listener is called once.
 */
class Cancellation implements CancelSignal {
  /** Most executions run one step at a time: one listener, without a set. */
  #listener: (() => void) | undefined;
  #others: Set<() => void> | undefined;

  constructor(private readonly record: ExecutionRecord) {}

  get aborted(): boolean {
    return this.record.cancelRequested;
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.#listener === undefined) {
      this.#listener = listener;
      return;
    }
    this.#others ??= new Set();
    this.#others.add(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    if (this.#listener === listener) this.#listener = undefined;
    else this.#others?.delete(listener);
  }

  /** Calls the listeners once the cancellation was requested: after every change of the record. */
  check(): void {
    if ((this.#listener === undefined && !this.#others?.size) || !this.record.cancelRequested) return;
    const listeners = [...(this.#listener ? [this.#listener] : []), ...(this.#others ?? [])];
    this.clear();
    for (const listener of listeners) listener();
  }

  clear(): void {
    this.#listener = undefined;
    this.#others = undefined;
  }
}
