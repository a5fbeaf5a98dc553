import { type AnyWorkflow, CancelledError } from '@durable-runtime/core';
import { type ExecutionOutcome, executeWorkflow, failureOutcome } from '@durable-runtime/core/spi';
import type { Context } from '@resonatehq/sdk/async';
import { ResonateEngineContext } from './engine-context.js';
import { RecordedFailure } from './outcomes.js';
import type { WorkflowHost } from './workflow-host.js';

/** The argument of every workflow function: an object, so that an absent input survives JSON. */
export interface WorkflowArgument {
  readonly input?: unknown;
}

/**
 * The Resonate function registered for a workflow (under the workflow's name). Each call is one pass of the
 * execution: it runs the body on a fresh {@link ResonateEngineContext}, replaying recorded operations. At the end it
 * resolves the root promise with the output, or rejects it with the exact error shape (a failure, a cancellation,
 * a divergence), and hands the outcome to the executions waiting for it.
 */
export function workflowFunction(definition: AnyWorkflow, host: WorkflowHost) {
  const run = async (ctx: Context, argument: WorkflowArgument | undefined): Promise<unknown> => {
    const engine = new ResonateEngineContext(ctx, host, definition.name, ctx.id);
    // Read before the body runs: a store that does not answer aborts the pass (the SDK runs it again later).
    const early = engine.cancelledBeforeStart();
    const cancelledEarly = early === false ? false : await early.catch((error: unknown) => abortPass(ctx, error));
    let outcome: ExecutionOutcome;
    try {
      if (cancelledEarly) throw new CancelledError();
      outcome = {
        status: 'completed',
        value: await executeWorkflow(definition, engine, argument?.input, host.maxPayloadBytes),
      };
    } catch (error) {
      outcome = failureOutcome(error);
    }
    // Operations still in flight are abandoned (a race's losers): nothing is delivered any more, running steps end.
    engine.finish(!engine.log.aborted);
    // An operation failed in the store: the SDK aborts this pass (nothing is recorded) and runs it again later.
    if (engine.log.aborted) throw engine.log.aborted;
    if (!engine.divergence) {
      try {
        await engine.end();
      } catch (error) {
        if (!engine.divergence) abortPass(ctx, error);
      }
    }
    if (engine.divergence) outcome = failureOutcome(engine.divergence);
    await publish(ctx, host, outcome);
    if (outcome.status === 'completed') return outcome.value;
    throw new RecordedFailure(outcome.error);
  };
  Object.defineProperty(run, 'name', { value: definition.name });
  return run;
}

/**
 * Aborts the pass on a store failure outside the workflow's operations (a read before its body, the read at its end):
 * thrown by the workflow function, it would reject the root promise, failing the execution. `ctx.panic` makes the SDK
 * record nothing, release the task and run the pass again later, as it does for an operation's store failure.
 */
function abortPass(ctx: Context, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  ctx.panic(true, `a store request of ${ctx.id} failed, the pass runs again later: ${message}`);
  throw error;
}

/**
 * Hands the outcome to the executions waiting for it. Not a durable operation: it is repeated (harmlessly) when the
 * pass runs again. When the store does not answer, the pass is aborted (`ctx.panic`: Resonate records nothing and
 * runs it again later) rather than recording the execution as failed.
 */
async function publish(ctx: Context, host: WorkflowHost, outcome: ExecutionOutcome): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await host.children.close(ctx.id, outcome);
      return;
    } catch (error) {
      if (attempt >= 5) ctx.panic(true, `cannot publish the outcome of ${ctx.id}: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
}
