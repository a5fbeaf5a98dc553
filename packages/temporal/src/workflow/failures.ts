import {
  CancelledError,
  type ErrorShape,
  isErrorShape,
  NonDeterminismError,
  TimeoutError,
} from '@durable-runtime/core';
import { type ExecutionOutcome, outcomeOfShape } from '@durable-runtime/core/spi';
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  TerminatedFailure,
  TimeoutFailure,
} from '@temporalio/workflow';
import type { AttemptFailureInfo } from './names.js';

/**
 * Translation between Temporal failures and core's {@link ErrorShape}. Sandbox-safe: used by the workflow entry, the
 * activities and the client alike, so a failure reads the same wherever it is observed.
 */

const NON_DETERMINISM_MARKER = 'TMPRL1100';
const NON_DETERMINISM_TYPES = new Set(['NondeterminismError', 'DeterminismViolationError']);

/** An `ApplicationFailure` that carries `shape` exactly: type = the error's name, details = `[shape, ...extra]`. */
export function shapeToFailure(shape: ErrorShape, nonRetryable: boolean, extra: unknown[] = []): ApplicationFailure {
  return ApplicationFailure.create({
    type: shape.name,
    message: shape.message,
    nonRetryable,
    details: [shape, ...extra],
  });
}

/** The error shape of a Temporal failure (or any error), looking through activity and child wrappers. */
export function failureToShape(error: unknown): ErrorShape {
  if (error instanceof ActivityFailure || error instanceof ChildWorkflowFailure) {
    return error.cause ? failureToShape(error.cause) : { name: error.name, message: error.message };
  }
  if (error instanceof ApplicationFailure) return applicationShape(error);
  if (error instanceof TimeoutFailure) return new TimeoutError(`Timed out (${error.timeoutType})`).toShape();
  if (error instanceof CancelledFailure) return new CancelledError().toShape();
  if (error instanceof TerminatedFailure) return { name: 'TerminatedError', message: error.message || 'Terminated' };
  if (isNonDeterminism(error)) return new NonDeterminismError((error as Error).message).toShape();
  if (error instanceof Error) return { name: error.name || 'Error', message: error.message };
  return { name: 'Error', message: String(error) };
}

function applicationShape(failure: ApplicationFailure): ErrorShape {
  const carried = failure.details?.[0];
  if (isErrorShape(carried)) return carried;
  if (isNonDeterminism(failure)) return new NonDeterminismError(failure.message).toShape();
  return { name: failure.type ?? 'Error', message: failure.message };
}

/** True for Temporal's non-determinism failures (TMPRL1100) and the sandbox's determinism violations. */
export function isNonDeterminism(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const type = error instanceof ApplicationFailure ? error.type : error.name;
  return NON_DETERMINISM_TYPES.has(type ?? '') || error.message.includes(NON_DETERMINISM_MARKER);
}

/**
 * Whether the workflow may retry a failed attempt: what the activity put after the shape in its failure details
 * ({@link AttemptFailureInfo}); a failure without it (a timeout of Temporal's own) is retryable.
 */
export function failureRetryable(error: unknown): boolean {
  const failure = error instanceof ActivityFailure ? error.cause : error;
  const info = failure instanceof ApplicationFailure ? failure.details?.[1] : undefined;
  return typeof info === 'object' && info !== null ? (info as AttemptFailureInfo).retryable !== false : true;
}

/** The outcome of an execution that ended with `cause` (the cause of Temporal's workflow or child failure). */
export function failedOutcome(cause: unknown): ExecutionOutcome {
  return outcomeOfShape(failureToShape(cause));
}
