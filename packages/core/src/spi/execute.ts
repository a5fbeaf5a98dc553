import type { AnyStep, AnyWorkflow, StepInfo } from '../definitions.js';
import { CancelledError, type ErrorShape, SerializationError, TimeoutError, toErrorShape } from '../errors.js';
import { toJson } from '../serialization.js';
import { parseWithSchema } from '../validation.js';
import { callAsync } from './call-async.js';
import { createDurableContext } from './durable-context.js';
import type { EngineContext, ExecutionOutcome } from './engine.js';

/**
 * Runs a workflow's body on an adapter's engine context and returns its checked JSON output.
 * Throws what the workflow threw, or a `ValidationError`/`SerializationError` for a bad output; adapters record
 * a throw with {@link failureOutcome}.
 */
export function executeWorkflow(definition: AnyWorkflow, engine: EngineContext, input: unknown): Promise<unknown> {
  return callAsync(() => definition.run(createDurableContext(engine), input)).then((result) =>
    checkedOutput(definition, result),
  );
}

function checkedOutput(definition: AnyWorkflow, result: unknown): unknown {
  const what = `output of workflow '${definition.name}'`;
  return toJson(parseWithSchema(definition.output, result, what), what);
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

/**
 * Runs one attempt of a step and returns its JSON result. A result that is not JSON fails with a
 * `SerializationError` (not retryable); an attempt over `timeoutMs` fails with a `TimeoutError` (retryable).
 * Runs in the worker, never inside a workflow sandbox.
 */
export async function executeStepAttempt(
  step: AnyStep,
  args: unknown,
  info: StepInfo,
  timeoutMs?: number,
): Promise<unknown> {
  const attempt = Promise.resolve().then(() => step.fn(args, info));
  const result = timeoutMs === undefined ? await attempt : await withTimeout(attempt, timeoutMs, info);
  try {
    return toJson(result, `result of step '${step.name}'`);
  } catch (error) {
    throw error instanceof SerializationError ? error : new SerializationError(String(error));
  }
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number, info: StepInfo): Promise<T> {
  const timers = globalThis as unknown as TimerGlobals;
  let handle: unknown;
  const timeout = new Promise<never>((_, reject) => {
    handle = timers.setTimeout(() => {
      reject(new TimeoutError(`Step '${info.stepName}' attempt ${info.attempt} timed out after ${timeoutMs}ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    timers.clearTimeout(handle);
  }
}
