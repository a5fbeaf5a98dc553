import type { ErrorShape } from '@durable-runtime/core';
import { promiseIds } from './ids.js';
import type { LocalBookkeeping } from './local-bookkeeping.js';
import type { PromiseStore } from './promise-store.js';

/** A step's failed attempts so far: how many, and the last one's error and retry time (none once it was final). */
export interface FailedAttempts {
  readonly failed: number;
  readonly error?: ErrorShape;
  /** When the next attempt may start (epoch ms); absent when the last failure ended the step. */
  readonly retryAt?: number;
}

const NONE: FailedAttempts = Object.freeze({ failed: 0 });

/**
 * The failed attempts of steps, kept durably: a worker that crashes in the middle of an attempt (or of the backoff
 * after one) resumes the step with the same count and retry time, so a crash never consumes an attempt, never
 * shortens a backoff, and `info.attempt` counts failed attempts only. On a server each failure is a record
 * `<id>:f.<position>.<k>`; in local mode the store's bookkeeping keeps them.
 */
export class AttemptJournal {
  constructor(
    private readonly store: PromiseStore,
    private readonly local?: LocalBookkeeping,
  ) {}

  /** The failed attempts of the step whose promise is `stepId` (local mode: at once, without a promise). */
  failed(executionId: string, stepId: string): FailedAttempts | Promise<FailedAttempts> {
    if (this.local) return (this.local.failedAttempts(executionId, stepId) as FailedAttempts | undefined) ?? NONE;
    return this.#read(stepId);
  }

  /** Records the step's latest failure (`failed` counts it). Idempotent. */
  async recordFailure(executionId: string, stepId: string, failure: FailedAttempts): Promise<void> {
    if (this.local) return this.local.recordFailedAttempts(executionId, stepId, failure);
    await this.store.record(promiseIds.failedAttempt(stepId, failure.failed - 1), executionId, failure);
  }

  async #read(stepId: string): Promise<FailedAttempts> {
    let last: FailedAttempts = NONE;
    for (let index = 0; ; index++) {
      const record = await this.store.get(promiseIds.failedAttempt(stepId, index));
      if (!record) return last;
      last = record.param as FailedAttempts;
    }
  }
}
