import { type AnyStep, CancelledError, type Registry, retryDecision, toErrorShape } from '@durable-runtime/core';
import { type AttemptInfo, executeStepAttempt, type StepOutcome, type StepRequest } from '@durable-runtime/core/spi';
import type { RestatePromise, WorkflowContext } from '@restatedev/restate-sdk';
import * as restate from '@restatedev/restate-sdk';
import type { CancellationWatch } from './cancellation-watch.js';
import type { AttemptResult, StepAttemptInput } from './protocol.js';

/** Awaits a Restate promise, turning Restate's cancellation into core's `CancelledError`. */
export type Guard = <T>(promise: RestatePromise<T>) => Promise<T>;

/**
 * The step attempts of one execution running in this process. A cancellation aborts those in flight (their
 * `info.signal`), whether Restate delivered it to a wait or the {@link CancellationWatch} found it in the journal;
 * attempts that begin afterwards (compensation in a `catch`) run normally.
 */
export class InFlightAttempts {
  readonly #controllers = new Set<AbortController>();

  constructor(
    private readonly watch: CancellationWatch,
    private readonly invocationId: string,
  ) {}

  /** Runs `attempt` with a signal that aborts if the execution is cancelled while it runs. */
  run<T>(attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.#controllers.add(controller);
    const unwatch = this.watch.watch(this.invocationId, () => this.abortAll());
    return attempt(controller.signal).finally(() => {
      unwatch();
      this.#controllers.delete(controller);
    });
  }

  abortAll(): void {
    for (const controller of this.#controllers) controller.abort(new CancelledError());
    this.#controllers.clear();
  }
}

/** What a step needs besides its request. */
export interface StepDependencies {
  readonly registry: Registry;
  readonly attempts: InFlightAttempts;
  readonly maxPayloadBytes: number;
  readonly guard: Guard;
  /** Awaits a Restate promise made at the next turn of the await driver (see `AwaitDriver.waitDeferred`). */
  readonly guardDeferred: <T>(create: (concurrent: boolean) => RestatePromise<T>) => Promise<T>;
  /** The step service, which runs the attempts of steps that wait beside other operations. */
  readonly stepService: string;
}

/**
 * Runs a step with its retry policy. Each attempt is one `ctx.run` named after the step, whose journaled result is
 * the attempt's value or error (the closure never throws, so Restate never retries it on its own); the delay between
 * attempts is a durable `ctx.sleep`. The adapter keeps the attempt count because Restate
 * does not tell a `ctx.run` closure which attempt it is, and `StepInfo.attempt` must count failed attempts only: a
 * replay returns recorded attempts without running them, and an attempt interrupted by a crash (never journaled)
 * runs again with the same number.
 *
 * An attempt that waits beside other operations (`Promise.race` with a sleep, a fan-out) runs in an invocation of
 * the step service instead, called by the execution: an invocation cannot suspend while a `ctx.run` closure runs, and
 * once the server asked it to (its inactivity timeout) no completion reaches it, so a timer or a promise raced
 * against a running `ctx.run` would only be seen when the closure ends. The execution journals the attempt's
 * arguments (see {@link ArgsRecord}), then waits for the call's result, which the step service journals with its own
 * `ctx.run`, and may suspend meanwhile. Which way an attempt runs is decided at the await driver's turn, identically
 * on replay.
 */
export async function runStep(
  ctx: WorkflowContext,
  request: StepRequest,
  { registry, attempts, maxPayloadBytes, guard, guardDeferred, stepService }: StepDependencies,
): Promise<StepOutcome> {
  const step = registry.step(request.stepName);
  const { timeoutMs } = request;
  for (let attempt = 1; ; attempt++) {
    const info = { attempt, executionId: ctx.key, stepName: request.stepName };
    const issued = await guardDeferred<Issued>((concurrent) =>
      concurrent
        ? ctx.run<ArgsRecord>(request.stepName, () => ({ args: request.args })).map(orThrow('recorded'))
        : ctx
            .run<AttemptResult>(request.stepName, () =>
              runAttempt(attempts, step, request.args, info, { timeoutMs, maxPayloadBytes }),
            )
            .map(orThrow('result')),
    );
    const result =
      'result' in issued
        ? issued.result
        : await guard(
            ctx.genericCall<StepAttemptInput, AttemptResult>({
              service: stepService,
              method: 'attempt',
              parameter: {
                stepName: request.stepName,
                args: issued.recorded.args,
                executionId: ctx.key,
                attempt,
                ...(timeoutMs === undefined ? {} : { timeoutMs }),
              },
              inputSerde: restate.serde.json as restate.Serde<StepAttemptInput>,
              outputSerde: restate.serde.json as restate.Serde<AttemptResult>,
            }),
          ).catch(cancelledCall);
    if (result.ok) return { ok: true, value: result.value };
    // An attempt that the execution's cancellation aborted (its await threw first; a replay may return its result).
    if (result.error.code === 'CANCELLED') throw new CancelledError();
    const decision = retryDecision(request.retry, attempt, result.error);
    if (!decision.retry) return { ok: false, error: result.error, attempts: attempt };
    // Also for a delay of 0 (a timer that is due at once): the journals of earlier versions have it.
    await guard(ctx.sleep(decision.delayMs, `retry ${request.stepName}`));
  }
}

/**
 * The arguments of a concurrent attempt, journaled by a `ctx.run` named after the step before the step service is
 * called with them: Restate compares a call's parameter on replay (not a run's result), so the call of a replay
 * carries the recorded arguments, and a deploy that changes a step's arguments is accepted, as for any step.
 */
interface ArgsRecord {
  readonly args: unknown;
}

/** What the first command of an attempt gave: its result (a `ctx.run` of the attempt), or its recorded arguments. */
type Issued = { readonly result: AttemptResult } | { readonly recorded: ArgsRecord };

/** A `map` of a Restate promise that tags its value and keeps its failure (the cancellation). */
function orThrow<K extends string>(key: K) {
  return <T>(value?: T, failure?: restate.TerminalError): { [key in K]: T } => {
    if (failure) throw failure;
    return { [key]: value } as { [key in K]: T };
  };
}

/** One attempt, as its `ctx.run` closure runs it: never throws, its result is the attempt's value or error. */
export function runAttempt(
  attempts: InFlightAttempts,
  step: AnyStep,
  args: unknown,
  info: AttemptInfo,
  { timeoutMs, maxPayloadBytes }: { timeoutMs: number | undefined; maxPayloadBytes: number },
): Promise<AttemptResult> {
  return attempts.run(async (cancelSignal) => {
    try {
      const options = { timeoutMs, cancelSignal, maxPayloadBytes };
      return { ok: true, value: await executeStepAttempt(step, args, info, options) };
    } catch (error) {
      return { ok: false, error: toErrorShape(error) };
    }
  });
}

/**
 * A call to the step service fails only when the execution's cancellation reached it (Restate cancels the calls of
 * a cancelled invocation): that is the execution's cancellation.
 */
function cancelledCall(error: unknown): never {
  if (error instanceof restate.TerminalError && error.code === 409) throw new CancelledError();
  throw error;
}
