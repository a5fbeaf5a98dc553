/**
 * The errors of the durable-runtime API. Every backend raises these same classes with the same messages, so
 * application code and tests can rely on `name`, `code` and the documented fields, whatever the engine.
 *
 * Errors cross process and engine boundaries as an {@link ErrorShape}; `toErrorShape` and `fromErrorShape`
 * convert, and `SomeError.is(value)` recognises an error even when it comes from another copy of this module.
 */

/** The serializable form of an error: what survives a trip through an engine. */
export interface ErrorShape {
  readonly name: string;
  readonly message: string;
  /** Set for durable-runtime errors: the stable {@link DurableErrorCode}. */
  readonly code?: DurableErrorCode;
  /** Extra fields of durable-runtime errors (step name, attempts, nested cause...), JSON only. */
  readonly data?: Readonly<Record<string, unknown>>;
}

export type DurableErrorCode =
  | 'TERMINAL'
  | 'STEP_FAILED'
  | 'TIMEOUT'
  | 'WORKFLOW_FAILED'
  | 'NON_DETERMINISM'
  | 'UNSUPPORTED_FEATURE'
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'SERIALIZATION'
  | 'CANCELLED'
  | 'CONFIG'
  | 'ENDED'
  | 'PAYLOAD_TOO_LARGE'
  | 'CLOSED'
  | 'CONNECTION';

const BRAND = Symbol.for('durable-runtime.error');

/** Base class of every error this library raises. */
export abstract class DurableError extends Error {
  abstract readonly code: DurableErrorCode;
  readonly [BRAND] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  /** Extra fields kept when the error crosses an engine boundary. */
  protected toData(): Record<string, unknown> | undefined {
    return undefined;
  }

  toShape(): ErrorShape {
    const data = this.toData();
    return data === undefined
      ? { name: this.name, message: this.message, code: this.code }
      : { name: this.name, message: this.message, code: this.code, data };
  }

  /** True when `value` is this error class (or, for `DurableError`, any durable-runtime error), from any module copy. */
  static is<T extends DurableError>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    if (value instanceof this) return true;
    if (typeof value !== 'object' || value === null || !(BRAND in value)) return false;
    return this.name === 'DurableError' || (value as unknown as Error).name === this.name;
  }
}

/**
 * Thrown by a step to fail it without further retries. `ctx.run` then throws a {@link StepFailedError}
 * whose cause is this error.
 */
export class TerminalError extends DurableError {
  override readonly code = 'TERMINAL';
}

/** `ctx.run` throws this when a step's attempts ran out or the step threw a {@link TerminalError}. Catchable. */
export class StepFailedError extends DurableError {
  override readonly code = 'STEP_FAILED';
  override readonly cause: ErrorShape;

  constructor(
    readonly stepName: string,
    readonly attempts: number,
    cause: ErrorShape,
  ) {
    super(`Step '${stepName}' failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${describe(cause)}`);
    this.cause = cause;
  }

  protected override toData() {
    return { stepName: this.stepName, attempts: this.attempts, cause: this.cause };
  }
}

/** A durable promise, a receive or a step attempt did not complete in time. Catchable. */
export class TimeoutError extends DurableError {
  override readonly code = 'TIMEOUT';
}

/** `handle.result()` and `ctx.call()` reject with this when the execution failed or was cancelled. */
export class WorkflowFailedError extends DurableError {
  override readonly code = 'WORKFLOW_FAILED';
  override readonly cause: ErrorShape;

  constructor(
    readonly workflowName: string,
    readonly executionId: string,
    cause: ErrorShape,
  ) {
    super(`Workflow '${workflowName}' (id '${executionId}') failed: ${describe(cause)}`);
    this.cause = cause;
  }

  protected override toData() {
    return { workflowName: this.workflowName, executionId: this.executionId, cause: this.cause };
  }
}

/** Workflow code took a different path on replay than when it first ran. The execution fails. */
export class NonDeterminismError extends DurableError {
  override readonly code = 'NON_DETERMINISM';
}

/** The selected backend cannot provide a feature of the API. */
export class UnsupportedFeatureError extends DurableError {
  override readonly code = 'UNSUPPORTED_FEATURE';

  constructor(
    readonly backend: string,
    readonly feature: string,
    detail?: string,
  ) {
    super(`The ${backend} backend does not support ${feature}${detail ? `: ${detail}` : ''}`);
  }

  protected override toData() {
    return { backend: this.backend, feature: this.feature };
  }
}

/** One problem found by a validation: the path of the offending field and what is wrong with it. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** Bad input, output, option or argument. `issues` names every offending field. */
export class ValidationError extends DurableError {
  override readonly code = 'VALIDATION';

  constructor(
    message: string,
    readonly issues: readonly ValidationIssue[] = [],
  ) {
    super(message);
  }

  protected override toData() {
    return { issues: this.issues };
  }
}

/** Acting on an execution id that was never started. Nothing is created by the failed call. */
export class ExecutionNotFoundError extends DurableError {
  override readonly code = 'NOT_FOUND';

  constructor(
    readonly workflowName: string,
    readonly executionId: string,
  ) {
    super(`No execution of workflow '${workflowName}' with id '${executionId}' exists`);
  }

  protected override toData() {
    return { workflowName: this.workflowName, executionId: this.executionId };
  }
}

/** A value that does not survive JSON (function, symbol, BigInt, cycle, Date, Map...) was passed or returned. */
export class SerializationError extends DurableError {
  override readonly code = 'SERIALIZATION';
}

/** The message of every {@link CancelledError} a cancellation raises, on every backend. */
export const CANCELLED_MESSAGE = 'The execution was cancelled';

/**
 * The execution was cancelled: what it was awaiting (a step, a sleep, a promise, a receive, a child) rejects with
 * this, and so does every new wait. Caught, it lets the workflow compensate; escaping, it ends the execution
 * `cancelled`.
 */
export class CancelledError extends DurableError {
  override readonly code = 'CANCELLED';

  constructor(message: string = CANCELLED_MESSAGE) {
    super(message);
  }
}

/**
 * A delivery (`resolvePromise`, `rejectPromise`, `send`) reached an execution that has already ended: nothing was
 * delivered. A late webhook learns that its event was lost.
 */
export class ExecutionEndedError extends DurableError {
  override readonly code = 'ENDED';

  constructor(
    readonly workflowName: string,
    readonly executionId: string,
    readonly status: 'completed' | 'failed' | 'cancelled',
  ) {
    super(
      `Execution '${executionId}' of workflow '${workflowName}' has already ended (${status}): nothing was delivered`,
    );
  }

  protected override toData() {
    return { workflowName: this.workflowName, executionId: this.executionId, status: this.status };
  }
}

/** A payload (input, output, step result, promise value, state value, message) is over the size limit. */
export class PayloadTooLargeError extends DurableError {
  override readonly code = 'PAYLOAD_TOO_LARGE';

  constructor(
    readonly payload: string,
    readonly sizeBytes: number,
    readonly limitBytes: number,
  ) {
    super(`The ${payload} is ${sizeBytes} bytes of JSON, over the limit of ${limitBytes} bytes (maxPayloadBytes)`);
  }

  protected override toData() {
    return { payload: this.payload, sizeBytes: this.sizeBytes, limitBytes: this.limitBytes };
  }
}

/** A call on a runtime after `runtime.close()`: nothing was done. */
export class RuntimeClosedError extends DurableError {
  override readonly code = 'CLOSED';

  constructor(readonly backend: string) {
    super(`This ${backend} runtime is closed: create a new one with createRuntime(config, registry)`);
  }

  protected override toData() {
    return { backend: this.backend };
  }
}

/**
 * The engine could not be reached (down, restarting, wrong address): names the engine, the setting and the address.
 * Nothing persisted is lost; the call may be retried.
 */
export class EngineConnectionError extends DurableError {
  override readonly code = 'CONNECTION';

  constructor(
    readonly backend: string,
    readonly setting: string,
    readonly address: string,
    detail: string,
  ) {
    super(`Cannot reach the ${backend} engine at ${address} (setting ${setting}): ${detail}`);
  }

  protected override toData() {
    return { backend: this.backend, setting: this.setting, address: this.address };
  }
}

/** Starting workflow `requested` on an id that workflow `owner` owns: an execution id belongs to one workflow. */
export function idOwnedByOtherWorkflow(executionId: string, owner: string, requested: string): ValidationError {
  return new ValidationError(
    `Execution id '${executionId}' already belongs to workflow '${owner}', not '${requested}'`,
    [{ path: 'id', message: `owned by workflow '${owner}'` }],
  );
}

/** A bad or incomplete configuration, or a backend adapter that is not installed. */
export class ConfigError extends DurableError {
  override readonly code = 'CONFIG';
}

/** Converts anything thrown into its serializable {@link ErrorShape}. */
export function toErrorShape(error: unknown): ErrorShape {
  if (DurableError.is(error)) return error.toShape();
  if (error instanceof Error) return { name: error.name || 'Error', message: error.message };
  if (isErrorShape(error)) return { name: error.name, message: error.message };
  return { name: 'Error', message: typeof error === 'string' ? error : safeString(error) };
}

/** Rebuilds an error from its shape: durable-runtime errors get their class back, others are plain `Error`s. */
export function fromErrorShape(shape: ErrorShape): Error {
  const rebuilt = rebuildDurableError(shape);
  if (rebuilt) return rebuilt;
  const error = new Error(shape.message);
  error.name = shape.name;
  return error;
}

/** True for an object with string `name` and `message`. */
export function isErrorShape(value: unknown): value is ErrorShape {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorShape).name === 'string' &&
    typeof (value as ErrorShape).message === 'string'
  );
}

/** True when a step error must not be retried: a {@link TerminalError} or a serialization problem. */
export function isNonRetryable(error: unknown): boolean {
  const shape = DurableError.is(error) ? error.toShape() : isErrorShape(error) ? error : toErrorShape(error);
  return (
    shape.code === 'TERMINAL' ||
    shape.code === 'SERIALIZATION' ||
    shape.code === 'PAYLOAD_TOO_LARGE' ||
    shape.name === 'TerminalError' ||
    shape.name === 'SerializationError' ||
    shape.name === 'PayloadTooLargeError'
  );
}

function rebuildDurableError(shape: ErrorShape): DurableError | undefined {
  const data = (shape.data ?? {}) as Record<string, unknown>;
  const cause = isErrorShape(data.cause) ? data.cause : { name: 'Error', message: '' };
  let error: DurableError | undefined;
  switch (shape.code) {
    case 'STEP_FAILED':
      error = new StepFailedError(String(data.stepName), Number(data.attempts), cause);
      break;
    case 'WORKFLOW_FAILED':
      error = new WorkflowFailedError(String(data.workflowName), String(data.executionId), cause);
      break;
    case 'NOT_FOUND':
      error = new ExecutionNotFoundError(String(data.workflowName), String(data.executionId));
      break;
    case 'UNSUPPORTED_FEATURE':
      error = new UnsupportedFeatureError(String(data.backend), String(data.feature));
      break;
    case 'VALIDATION':
      error = new ValidationError(shape.message, Array.isArray(data.issues) ? (data.issues as ValidationIssue[]) : []);
      break;
    case 'ENDED':
      error = new ExecutionEndedError(
        String(data.workflowName),
        String(data.executionId),
        data.status as ExecutionEndedError['status'],
      );
      break;
    case 'PAYLOAD_TOO_LARGE':
      error = new PayloadTooLargeError(String(data.payload), Number(data.sizeBytes), Number(data.limitBytes));
      break;
    case 'CLOSED':
      error = new RuntimeClosedError(String(data.backend));
      break;
    case 'CONNECTION':
      error = new EngineConnectionError(String(data.backend), String(data.setting), String(data.address), '');
      break;
    case undefined:
      return undefined;
    default:
      error = new SIMPLE_ERRORS[shape.code](shape.message);
  }
  error.message = shape.message;
  return error;
}

const SIMPLE_ERRORS = {
  TERMINAL: TerminalError,
  TIMEOUT: TimeoutError,
  NON_DETERMINISM: NonDeterminismError,
  SERIALIZATION: SerializationError,
  CANCELLED: CancelledError,
  CONFIG: ConfigError,
} as const;

function describe(cause: ErrorShape): string {
  return `${cause.name}: ${cause.message}`;
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
