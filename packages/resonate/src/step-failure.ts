import type { ErrorShape } from '@durable-runtime/core';

/** How a step's leaf ends without a value: its last failure, or the execution's cancellation. */
export type StepEnd =
  | { readonly op: string; readonly s?: 1; readonly t?: number; readonly error: ErrorShape; readonly attempts: number }
  | { readonly op: string; readonly s?: 1; readonly t?: number; readonly cancelled: true };

/**
 * The end of a step without a value, thrown by its leaf so that Resonate records the step's promise rejected with
 * the {@link StepEnd} (the SDK encodes `toJSON()`), and stops retrying it.
 */
export class StepFailure extends Error {
  /** The operation's name, as on every record (the first pass gets this error itself, not its decoded record). */
  readonly op: string;
  readonly s: 1 | undefined;

  constructor(readonly end: StepEnd) {
    super('error' in end ? end.error.message : 'cancelled');
    this.name = 'StepFailure';
    this.op = end.op;
    this.s = end.s;
  }

  toJSON(): StepEnd {
    return this.end;
  }
}
