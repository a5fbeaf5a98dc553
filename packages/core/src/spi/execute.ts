import type { AnyStep, AnyWorkflow, StepInfo } from '../definitions.js';
import {
  CancelledError,
  type ErrorShape,
  PayloadTooLargeError,
  SerializationError,
  TimeoutError,
  toErrorShape,
} from '../errors.js';
import { DEFAULT_MAX_PAYLOAD_BYTES, toPayload } from '../payload.js';
import { parseWithSchema } from '../validation.js';
import { callAsync } from './call-async.js';
import { createDurableContext } from './durable-context.js';
import type { EngineContext, ExecutionOutcome } from './engine.js';

/**
 * Runs a workflow's body on an adapter's engine context and returns its checked JSON output.
 * Throws what the workflow threw, or a `ValidationError`/`SerializationError` for a bad output; adapters record
 * a throw with {@link failureOutcome}.
 */
export function executeWorkflow(
  definition: AnyWorkflow,
  engine: EngineContext,
  input: unknown,
  maxPayloadBytes: number = DEFAULT_MAX_PAYLOAD_BYTES,
): Promise<unknown> {
  return callAsync(() => definition.run(createDurableContext(engine, maxPayloadBytes), input)).then((result) =>
    checkedOutput(definition, result, maxPayloadBytes),
  );
}

function checkedOutput(definition: AnyWorkflow, result: unknown, maxPayloadBytes: number): unknown {
  const what = `output of workflow '${definition.name}'`;
  return toPayload(parseWithSchema(definition.output, result, what), what, maxPayloadBytes);
}

/** The outcome to record for an execution whose body threw `error`: `cancelled` for a cancellation. */
export function failureOutcome(error: unknown): ExecutionOutcome & { status: 'failed' | 'cancelled' } {
  return outcomeOfShape(toErrorShape(error));
}

/** The outcome of an execution that ended with the error `shape`: `cancelled` for a cancellation, else `failed`. */
export function outcomeOfShape(shape: ErrorShape): ExecutionOutcome & { status: 'failed' | 'cancelled' } {
  const cancelled = shape.code === 'CANCELLED' || (shape.code === undefined && shape.name === 'CancelledError');
  return { status: cancelled ? 'cancelled' : 'failed', error: shape };
}

type TimerGlobals = {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

/** What the adapter knows of an attempt; core adds the attempt's `signal`. */
export type AttemptInfo = Omit<StepInfo, 'signal'>;

/**
 * What an attempt needs of its execution's cancellation. An `AbortSignal` is one; an engine may pass a lighter one
 * (an `AbortController` and its event listeners per attempt cost every step of every execution).
 */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { readonly once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** Options of {@link executeStepAttempt}. */
export interface AttemptOptions {
  /** Time limit of the attempt in milliseconds: over it, the attempt fails with a `TimeoutError` (retryable). */
  readonly timeoutMs?: number | undefined;
  /** Aborted by the adapter when the execution is cancelled: the attempt fails at once with a `CancelledError`. */
  readonly cancelSignal?: CancelSignal | undefined;
  /** @default DEFAULT_MAX_PAYLOAD_BYTES */
  readonly maxPayloadBytes?: number | undefined;
}

/**
 * Runs one attempt of a step and returns its JSON result. A result that is not JSON fails with a
 * `SerializationError`, one over the size limit with a `PayloadTooLargeError` (neither retryable); an attempt over
 * its timeout fails with a `TimeoutError` (retryable) and one of a cancelled execution with a `CancelledError`, at
 * once, while `info.signal` tells the step to stop. Runs in the worker, never inside a workflow sandbox.
 */
export function executeStepAttempt(
  step: AnyStep,
  args: unknown,
  attempt: AttemptInfo,
  options: AttemptOptions = {},
): Promise<unknown> {
  return new Promise((resolve, reject) =>
    startStepAttempt(step, args, attempt, options, (settled) =>
      'value' in settled ? resolve(settled.value) : reject(settled.error),
    ),
  );
}

/** How an attempt ended: its checked JSON result, or what it threw (see {@link executeStepAttempt}). */
export type AttemptSettlement = { readonly value: unknown } | { readonly error: unknown };

/**
 * {@link executeStepAttempt} without a promise of its own: `settled` is called once, with the result or the error.
 * For an engine's hot path, where the attempt's promise would be one more for every step of every execution.
 */
export function startStepAttempt(
  step: AnyStep,
  args: unknown,
  attempt: AttemptInfo,
  options: AttemptOptions,
  settled: (settlement: AttemptSettlement) => void,
): void {
  new RunningAttempt(step, attempt, options, settled).start(args);
}

function checkedResult(step: AnyStep, result: unknown, maxPayloadBytes: number | undefined): unknown {
  try {
    return toPayload(result, `result of step '${step.name}'`, maxPayloadBytes);
  } catch (error) {
    if (SerializationError.is(error) || PayloadTooLargeError.is(error)) throw error;
    throw new SerializationError(String(error));
  }
}

/**
 * The attempt's `info.signal`, made only when the step reads it (most never do): an `AbortController` per attempt
 * would cost every step of every execution.
 */
class AttemptSignal {
  #controller: AbortController | undefined;
  #reason: Error | undefined;

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#reason) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  abort(reason: Error): void {
    this.#reason ??= reason;
    this.#controller?.abort(reason);
  }
}

/**
 * The `info` a step receives. A class, so that `signal` is a getter on the prototype: an object literal with a
 * getter was a twelfth of the memory engine's time on ten sequential steps.
 */
class StepAttemptInfo implements StepInfo {
  readonly attempt: number;
  readonly executionId: string;
  readonly stepName: string;
  readonly #signal: AttemptSignal;

  constructor(attempt: AttemptInfo, signal: AttemptSignal) {
    this.attempt = attempt.attempt;
    this.executionId = attempt.executionId;
    this.stepName = attempt.stepName;
    this.#signal = signal;
  }

  get signal(): AbortSignal {
    return this.#signal.signal;
  }
}

/**
 * One attempt, settled by whichever comes first: the step, its timeout (a `TimeoutError`) or the execution's
 * cancellation (a `CancelledError`, at once); the last two also abort the step's signal. One promise and no
 * closures but the listeners: every step of every execution runs one.
 */
class RunningAttempt {
  readonly #signal = new AttemptSignal();
  readonly #info: StepAttemptInfo;
  #settled = false;
  #timer: unknown;

  constructor(
    private readonly step: AnyStep,
    attempt: AttemptInfo,
    private readonly options: AttemptOptions,
    private readonly settled: (settlement: AttemptSettlement) => void,
  ) {
    this.#info = new StepAttemptInfo(attempt, this.#signal);
  }

  start(args: unknown): void {
    const { timeoutMs, cancelSignal } = this.options;
    if (cancelSignal?.aborted) {
      this.#stop(new CancelledError());
      return;
    }
    cancelSignal?.addEventListener('abort', this.#onCancel, { once: true });
    if (timeoutMs !== undefined) {
      const message = `Step '${this.step.name}' attempt ${this.#info.attempt} timed out after ${timeoutMs}ms`;
      this.#timer = timers().setTimeout(() => this.#stop(new TimeoutError(message)), timeoutMs);
    }
    let result: unknown;
    try {
      result = this.step.fn(args, this.#info);
    } catch (error) {
      this.#failed(error);
      return;
    }
    Promise.resolve(result).then(
      (value) => this.#succeeded(value),
      (error: unknown) => this.#failed(error),
    );
  }

  readonly #onCancel = () => this.#stop(new CancelledError());

  #succeeded(value: unknown): void {
    if (this.#finish()) return;
    let checked: unknown;
    try {
      checked = checkedResult(this.step, value, this.options.maxPayloadBytes);
    } catch (error) {
      this.settled({ error });
      return;
    }
    this.settled({ value: checked });
  }

  #failed(error: unknown): void {
    if (!this.#finish()) this.settled({ error });
  }

  #stop(error: Error): void {
    if (this.#finish()) return;
    this.#signal.abort(error);
    this.settled({ error });
  }

  /** Marks the attempt settled; true when it already was. */
  #finish(): boolean {
    if (this.#settled) return true;
    this.#settled = true;
    if (this.#timer !== undefined) timers().clearTimeout(this.#timer);
    this.options.cancelSignal?.removeEventListener('abort', this.#onCancel);
    return false;
  }
}

const timers = () => globalThis as unknown as TimerGlobals;
