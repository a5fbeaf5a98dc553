import {
  CancelledError,
  type ErrorShape,
  type ExecutionStatus,
  isErrorShape,
  TimeoutError,
  toErrorShape,
} from '@durable-runtime/core';
import type { ExecutionOutcome } from '@durable-runtime/core/spi';
import type { StoredPromise } from './promise-store.js';

/**
 * How executions end in Resonate: a completed execution resolves its root promise with the output; a failed or
 * cancelled one rejects it with the {@link ErrorShape} of the error (code and data included, so core rebuilds the
 * same error on every backend).
 */

/** Thrown by a root function to reject its promise with an exact {@link ErrorShape} (the SDK encodes `toJSON()`). */
export class RecordedFailure extends Error {
  constructor(readonly shape: ErrorShape) {
    super(shape.message);
    this.name = shape.name;
  }

  toJSON(): ErrorShape {
    return this.shape;
  }
}

/** The error shape of a rejection value read back from Resonate, keeping `code` and `data` when present. */
export function shapeOf(value: unknown): ErrorShape {
  if (value instanceof RecordedFailure) return value.shape;
  if (!isErrorShape(value) || value instanceof Error) return toErrorShape(value);
  const { name, message, code, data } = value;
  return {
    name,
    message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof data === 'object' && data !== null ? { data } : {}),
  };
}

/** The outcome of a rejected execution (`cancelled` for a cancellation, `failed` otherwise). */
export function failedOutcome(shape: ErrorShape): ExecutionOutcome {
  return { status: shape.code === 'CANCELLED' ? 'cancelled' : 'failed', error: shape };
}

/** The outcome recorded in a root promise, or `undefined` while it is pending. */
export function outcomeOf(root: StoredPromise): ExecutionOutcome | undefined {
  switch (root.state) {
    case 'pending':
      return undefined;
    case 'resolved':
      return { status: 'completed', value: root.value };
    case 'rejected':
      return failedOutcome(shapeOf(root.value));
    case 'rejected_canceled':
      return failedOutcome(isErrorShape(root.value) ? shapeOf(root.value) : new CancelledError().toShape());
    case 'rejected_timedout':
      return failedOutcome(new TimeoutError('The execution timed out').toShape());
  }
}

/** The status of an execution from its root promise. */
export function statusOf(root: StoredPromise): ExecutionStatus {
  return outcomeOf(root)?.status ?? 'running';
}
