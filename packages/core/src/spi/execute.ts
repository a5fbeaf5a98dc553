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
  const shape: ErrorShape = toErrorShape(error);
  return { status: CancelledError.is(error) || shape.code === 'CANCELLED' ? 'cancelled' : 'failed', error: shape };
}

type TimerGlobals = {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

/** What the adapter knows of an attempt; core adds the attempt's `signal`. */
export type AttemptInfo = Omit<StepInfo, 'signal'>;

/** Options of {@link executeStepAttempt}. */
export interface AttemptOptions {
  /** Time limit of the attempt in milliseconds: over it, the attempt fails with a `TimeoutError` (retryable). */
  readonly timeoutMs?: number | undefined;
  /** Aborted by the adapter when the execution is cancelled: the attempt fails at once with a `CancelledError`. */
  readonly cancelSignal?: AbortSignal | undefined;
  /** @default DEFAULT_MAX_PAYLOAD_BYTES */
  readonly maxPayloadBytes?: number | undefined;
}

/**
 * Runs one attempt of a step and returns its JSON result. A result that is not JSON fails with a
 * `SerializationError`, one over the size limit with a `PayloadTooLargeError` (neither retryable); an attempt over
 * its timeout fails with a `TimeoutError` (retryable) and one of a cancelled execution with a `CancelledError`, at
 * once, while `info.signal` tells the step to stop. Runs in the worker, never inside a workflow sandbox.
 */
export async function executeStepAttempt(
  step: AnyStep,
  args: unknown,
  attempt: AttemptInfo,
  options: AttemptOptions = {},
): Promise<unknown> {
  const controller = new AbortController();
  const info: StepInfo = { ...attempt, signal: controller.signal };
  const stop = new AttemptStop(controller, info, options);
  let result: unknown;
  try {
    const work = Promise.resolve().then(() => step.fn(args, info));
    result = await stop.race(work);
  } finally {
    stop.dispose();
  }
  const where = `result of step '${step.name}'`;
  try {
    return toPayload(result, where, options.maxPayloadBytes);
  } catch (error) {
    if (SerializationError.is(error) || PayloadTooLargeError.is(error)) throw error;
    throw new SerializationError(String(error));
  }
}

/** What ends an attempt early, its timeout or the execution's cancellation: aborts the step's signal and rejects. */
class AttemptStop {
  #timer: unknown;
  #onCancel: (() => void) | undefined;
  readonly #stopped: Promise<never> | undefined;

  constructor(
    controller: AbortController,
    info: StepInfo,
    private readonly options: AttemptOptions,
  ) {
    const { timeoutMs, cancelSignal } = options;
    if (timeoutMs === undefined && cancelSignal === undefined) return;
    this.#stopped = new Promise<never>((_, reject) => {
      const abort = (error: Error) => {
        controller.abort(error);
        reject(error);
      };
      if (timeoutMs !== undefined) {
        const message = `Step '${info.stepName}' attempt ${info.attempt} timed out after ${timeoutMs}ms`;
        this.#timer = timers().setTimeout(() => abort(new TimeoutError(message)), timeoutMs);
      }
      if (cancelSignal) {
        this.#onCancel = () => abort(new CancelledError());
        if (cancelSignal.aborted) this.#onCancel();
        else cancelSignal.addEventListener('abort', this.#onCancel, { once: true });
      }
    });
  }

  race<T>(work: Promise<T>): Promise<T> {
    return this.#stopped ? Promise.race([work, this.#stopped]) : work;
  }

  dispose(): void {
    if (this.#timer !== undefined) timers().clearTimeout(this.#timer);
    if (this.#onCancel) this.options.cancelSignal?.removeEventListener('abort', this.#onCancel);
  }
}

const timers = () => globalThis as unknown as TimerGlobals;
