import { type AnyStep, type ErrorShape, retryDecision, toErrorShape } from '@durable-runtime/core';
import { executeStepAttempt, operationName, type StepOutcome, type StepRequest } from '@durable-runtime/core/spi';
import type { Info } from '@resonatehq/sdk/async';
import { fingerprint } from './fingerprint.js';
import { isRecorded, type Matcher, type OperationLog, type Recorded } from './operation-log.js';
import { pause } from './pause.js';
import { newStamp } from './scheduler.js';
import { type StepEnd, StepFailure } from './step-failure.js';
import type { WorkflowHost } from './workflow-host.js';

/** How a step was issued, as the engine context saw it. */
export interface StepIssue {
  /**
   * No operation was in flight when the step was issued, and none had been alongside another one before: its
   * position in the log is then decided by the code alone (see {@link stepMatcher}).
   */
  readonly sequential: boolean;
  /** The workflow has not been told of a cancellation yet: a cancellation interrupts this step. */
  readonly cancellable: boolean;
}

/** What a step's leaf tells the pass that runs it (see `scheduler.ts`). */
export interface StepHooks {
  /** The attempts start in this worker. */
  running(): void;
  /** The attempts ended: the result is being recorded. */
  recording(): void;
  /** Calls `abandon` when the pass ends while the step runs (a race's loser): the leaf then records it abandoned. */
  onAbandon(abandon: () => void): void;
}

/**
 * A step's end: its outcome, the cancellation that interrupted it, or its abandonment (the execution ended while it
 * ran); `sequential` as recorded, `stamp` the completion's (see `scheduler.ts`).
 */
export type StepResult =
  | { readonly kind: 'done'; readonly outcome: StepOutcome; readonly sequential: boolean; readonly stamp?: number }
  | { readonly kind: 'cancelled'; readonly sequential: boolean; readonly stamp?: number }
  | { readonly kind: 'abandoned'; readonly sequential: boolean };

/**
 * A step's record: its value, its operation name with the fingerprint of its arguments (`step:<name>#<hash>`), and
 * `s: 1` when it was issued sequentially. Kept short: the SDK encodes every record in base64, and reads decode it.
 */
interface StepValue {
  readonly value: unknown;
  readonly s?: 1;
  /** The execution ended while the step ran: no result (nobody replays it). */
  readonly abandoned?: 1;
}

/**
 * Runs a step as one Resonate leaf (`ctx.run`) that runs the attempts itself, with core's retry decision: the
 * failed attempts are counted durably ({@link AttemptJournal}), so a crashed worker never consumes one and
 * `info.attempt` counts failed attempts only; a delay of 0 retries at once. A cancellation of the execution
 * (until the workflow has been told of one) aborts the attempt in flight through `info.signal`, or the backoff, and
 * records the step as cancelled: its late result is discarded.
 */
export async function runStep(
  log: OperationLog,
  host: WorkflowHost,
  step: AnyStep,
  request: StepRequest,
  executionId: string,
  issue: StepIssue,
  hooks: StepHooks,
): Promise<StepResult> {
  // Core's name of the operation, with the fingerprint of the arguments: Resonate's own (see `stepMatcher`).
  const name = operationName('step', request.stepName);
  const op = `${name}#${fingerprint(request.args)}`;
  const mark = issue.sequential ? ({ s: 1 } as const) : {};
  const leaf = (info: Info): Promise<StepValue> =>
    new Promise((resolve, reject) => {
      hooks.running();
      // The pass ends while the step runs (a race's loser): recorded abandoned, its late result discarded.
      hooks.onAbandon(() => resolve({ value: undefined, abandoned: 1, ...mark }));
      runAttempts(info).then(
        (value) => {
          hooks.recording();
          resolve(value);
        },
        (error: unknown) => {
          hooks.recording();
          reject(error);
        },
      );
    });
  const runAttempts = async (info: Info): Promise<StepValue> => {
    const known = host.attempts.failed(executionId, info.id);
    const past = 'then' in known ? await known : known;
    let failed = past.failed;
    const cancelSignal = issue.cancellable ? host.cancellation.acquire(executionId) : undefined;
    try {
      if (past.error) {
        // A worker crashed after recording a failure: the step ended then, or its backoff goes on.
        if (past.retryAt === undefined)
          throw new StepFailure({ op, ...mark, error: past.error, attempts: failed, t: newStamp() });
        await pause(past.retryAt - Date.now(), cancelSignal);
      }
      for (;;) {
        // A closed runtime stands for a crashed worker: it starts no attempt and records nothing (the SDK would
        // retry a throw); the worker that takes the execution over runs the step.
        if (host.closed) return never();
        if (cancelSignal?.aborted) throw new StepFailure({ op, ...mark, cancelled: true, t: newStamp() });
        const attempt = { attempt: failed + 1, executionId, stepName: request.stepName };
        const options = { timeoutMs: request.timeoutMs, cancelSignal, maxPayloadBytes: host.maxPayloadBytes };
        try {
          return { value: await executeStepAttempt(step, request.args, attempt, options), ...mark };
        } catch (thrown) {
          if (cancelSignal?.aborted || host.closed) continue;
          failed++;
          const decision = retryDecision(request.retry, failed, thrown);
          const error = toErrorShape(thrown);
          const retryAt = decision.retry ? { retryAt: Date.now() + decision.delayMs } : {};
          await host.attempts.recordFailure(executionId, info.id, { failed, error, ...retryAt });
          if (!decision.retry) throw new StepFailure({ op, ...mark, error, attempts: failed, t: newStamp() });
          await pause(decision.delayMs, cancelSignal);
        }
      }
    } finally {
      if (cancelSignal) host.cancellation.release(executionId);
    }
  };
  try {
    const recorded = await log.record(op, leaf, host.leafOptions.step, stepMatcher(name, op));
    const sequential = recorded.s === 1;
    if (recorded.abandoned === 1) return { kind: 'abandoned', sequential };
    return { kind: 'done', outcome: { ok: true, value: recorded.value }, sequential, ...stampOf(recorded.t) };
  } catch (error) {
    if (!isRecorded(error)) throw error;
    const end = error instanceof StepFailure ? error.end : (error as unknown as StepEnd);
    const sequential = end.s === 1;
    if ('cancelled' in end) return { kind: 'cancelled', sequential, ...stampOf(end.t) };
    const outcome: StepOutcome = { ok: false, error: end.error as ErrorShape, attempts: end.attempts };
    return { kind: 'done', outcome, sequential, ...stampOf(end.t) };
  }
}

function stampOf(t: unknown): { stamp?: number } {
  return typeof t === 'number' ? { stamp: t } : {};
}

/** A promise that never settles. */
function never(): Promise<never> {
  return new Promise<never>(() => undefined);
}

/**
 * Which record a replay accepts for a step: one of the same name (rule 15: operations match by kind and name in
 * order; a step's arguments may change between deploys). Records with a completion stamp replay in their recorded
 * order (see `scheduler.ts`), so each step meets its own record. Records without a stamp (earlier versions of the
 * adapter, whose concurrent branches could issue steps of one name in another order on replay) match on the arguments
 * too unless they were issued sequentially (`s`): a step must never get another step's result.
 */
function stepMatcher(name: string, op: string): Matcher {
  const prefix = `${name}#`;
  return {
    label: op,
    matches: (found: Recorded & { s?: unknown }) =>
      found.op === op || (found.op.startsWith(prefix) && (found.s === 1 || typeof found.t === 'number')),
  };
}
