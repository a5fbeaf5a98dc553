import type { ErrorShape } from '@durable-runtime/core';

/**
 * The last failure of a step, thrown by its leaf so that Resonate records the step's promise rejected with
 * `{ op, error, attempts }` (the SDK encodes `toJSON()`), and stops retrying it.
 */
export class StepFailure extends Error {
  constructor(
    readonly op: string,
    readonly error: ErrorShape,
    readonly attempts: number,
  ) {
    super(error.message);
    this.name = 'StepFailure';
  }

  toJSON() {
    return { op: this.op, error: this.error, attempts: this.attempts };
  }
}
