import { CancelledError, type ErrorShape, NonDeterminismError, toErrorShape } from '@durable-runtime/core';
import type { ExecutionOutcome } from '@durable-runtime/core/spi';

/** Restate's error code of a journal mismatch (a replay that took another path). */
export const JOURNAL_MISMATCH = 570;
/** Restate's error code of a cancelled or killed invocation. */
export const CANCELLED_OR_KILLED = 409;

/**
 * The outcome of a workflow run that ended with a Restate failure instead of returning its outcome: a journal mismatch
 * (non-determinism), a cancellation before the run started, a kill, or an error of the adapter itself.
 */
export function outcomeOfFailure(code: number, message: string): ExecutionOutcome {
  if (code === JOURNAL_MISMATCH) {
    return { status: 'failed', error: toErrorShape(new NonDeterminismError(nonDeterminismMessage(message))) };
  }
  if (code === CANCELLED_OR_KILLED && /cancel/i.test(message)) {
    return { status: 'cancelled', error: toErrorShape(new CancelledError()) };
  }
  if (code === CANCELLED_OR_KILLED && /kill/i.test(message)) {
    return { status: 'failed', error: restateError('The Restate invocation was killed', code) };
  }
  return { status: 'failed', error: restateError(message, code) };
}

function nonDeterminismMessage(restateMessage: string): string {
  const detail = restateMessage.split('\n').filter((line) => line.trim().startsWith('-') || /!=/.test(line));
  return `The workflow took a different path on replay than when it first ran (Restate journal mismatch)${
    detail.length > 0 ? `: ${detail.map((line) => line.trim()).join(' ')}` : ''
  }`;
}

function restateError(message: string, code: number): ErrorShape {
  return { name: 'RestateError', message: `[${code}] ${message}` };
}

/** The `{ code, message }` body of a Restate ingress error response, when it is one. */
export function parseRestateError(
  body: string | undefined,
): { code: number; message: string; source?: string } | undefined {
  if (!body) return undefined;
  try {
    const parsed = JSON.parse(body) as { code?: unknown; message?: unknown; source?: unknown };
    if (typeof parsed.message !== 'string') return undefined;
    return {
      code: typeof parsed.code === 'number' ? parsed.code : 500,
      message: parsed.message,
      ...(typeof parsed.source === 'string' ? { source: parsed.source } : {}),
    };
  } catch {
    return undefined;
  }
}
