import { type Duration, parseDuration } from '@durable-runtime/core';

/** A cancellable timer registration. */
export interface Timer {
  cancel(): void;
}

/** Time as the memory engine sees it: the real clock, or a {@link VirtualClock} that tests move forward. */
export interface Clock {
  now(): number;
  /** Calls `callback` once the clock reaches `at` (epoch milliseconds). */
  at(at: number, callback: () => void): Timer;
}

/** Node's timers hold at most 2^31 - 1 ms (about 24.8 days); a longer wait re-arms once per such span. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Wall-clock time and Node timers. */
export const realClock: Clock = {
  now: () => Date.now(),
  at(at, callback) {
    let handle: NodeJS.Timeout;
    // Node's timers run on a monotonic clock and may fire a little before Date.now() reaches `at`: re-arm then.
    const arm = () => {
      const remaining = at - Date.now();
      handle = remaining > 0 ? setTimeout(arm, Math.min(remaining, MAX_TIMER_MS)) : setTimeout(callback, 0);
    };
    arm();
    return { cancel: () => clearTimeout(handle) };
  },
};

interface PendingTimer {
  readonly at: number;
  readonly order: number;
  readonly callback: () => void;
}

/** Lets queued promise callbacks and I/O callbacks run before the virtual clock moves again. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A clock that only moves when told: `advance('2d')` fires every timer due within two days, in order, at once.
 * With `autoAdvance`, the clock jumps to the next timer by itself whenever the engine is idle (no step running and
 * nothing else scheduled), so a workflow that sleeps for days finishes immediately.
 */
export class VirtualClock implements Clock {
  #now: number;
  #order = 0;
  #timers: PendingTimer[] = [];
  #idleCheck: (() => boolean) | undefined;
  #autoScheduled = false;

  constructor(options: { start?: Date | number; autoAdvance?: boolean } = {}) {
    this.#now = options.start === undefined ? Date.now() : new Date(options.start).getTime();
    this.autoAdvance = options.autoAdvance ?? false;
  }

  /** Jump to the next timer whenever the engine reports it is idle. */
  autoAdvance: boolean;

  now(): number {
    return this.#now;
  }

  at(at: number, callback: () => void): Timer {
    const timer: PendingTimer = { at, order: this.#order++, callback };
    this.#timers.push(timer);
    this.#scheduleAutoAdvance();
    return {
      cancel: () => {
        this.#timers = this.#timers.filter((t) => t !== timer);
      },
    };
  }

  /** Moves time forward by `duration`, firing due timers in order and letting the engine react to each. */
  async advance(duration: Duration): Promise<void> {
    const target = this.#now + parseDuration(duration, 'advance duration');
    await settle();
    for (let next = this.#nextDue(target); next; next = this.#nextDue(target)) {
      this.#fire(next);
      await settle();
      await settle();
    }
    this.#now = Math.max(this.#now, target);
  }

  /** Number of timers not yet fired. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** @internal The engine tells the clock how to know it is idle. */
  setIdleCheck(isIdle: () => boolean): void {
    this.#idleCheck = isIdle;
  }

  #nextDue(limit: number): PendingTimer | undefined {
    const due = this.#timers.filter((t) => t.at <= limit);
    return due.sort((a, b) => a.at - b.at || a.order - b.order)[0];
  }

  #fire(timer: PendingTimer): void {
    this.#timers = this.#timers.filter((t) => t !== timer);
    this.#now = Math.max(this.#now, timer.at);
    timer.callback();
  }

  #scheduleAutoAdvance(): void {
    if (!this.autoAdvance || this.#autoScheduled) return;
    this.#autoScheduled = true;
    void this.#autoAdvanceWhenIdle();
  }

  async #autoAdvanceWhenIdle(): Promise<void> {
    try {
      while (this.autoAdvance && this.#timers.length > 0) {
        // Several macrotask turns without activity: the engine is waiting only for timers.
        for (let turn = 0; turn < 3; turn++) await settle();
        if (this.#idleCheck && !this.#idleCheck()) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          continue;
        }
        const next = this.#nextDue(Number.POSITIVE_INFINITY);
        if (next) this.#fire(next);
      }
    } finally {
      this.#autoScheduled = false;
    }
  }
}
