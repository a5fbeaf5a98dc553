import type { Registry } from '@durable-runtime/core';
import { callAsync, type ExecutionOutcome, executeWorkflow, failureOutcome } from '@durable-runtime/core/spi';
import * as restate from '@restatedev/restate-sdk';
import type { AdminClient } from './admin-client.js';
import { CancellationWatch } from './cancellation-watch.js';
import { RestateEngineContext } from './engine-context.js';
import { describeExecution, type RunExists } from './execution-record.js';
import type { ResolvedRestateOptions } from './options.js';
import {
  type AttemptResult,
  type Checked,
  type ExecutionRecord,
  MAILBOX_STATE,
  messageKey,
  RECORD_STATE,
  type RunInput,
  type RunOutput,
  type SendInput,
  type ServiceNames,
  type SettleInput,
  type StepAttemptInput,
  serviceNames,
} from './protocol.js';
import { InFlightAttempts, runAttempt } from './step-runner.js';

/** The adapter's two Restate services (see protocol.ts). */
export interface RestateServices {
  readonly names: ServiceNames;
  readonly workflow: ReturnType<typeof workflowService>;
  readonly mailbox: ReturnType<typeof mailboxObject>;
  readonly step: ReturnType<typeof stepService>;
}

export function createServices(
  registry: Registry,
  options: ResolvedRestateOptions,
  runExists: RunExists,
  admin: AdminClient,
): RestateServices {
  const names = serviceNames(options.servicePrefix);
  const { initialIntervalMs, maxIntervalMs, maxAttempts } = options.invocationRetry;
  const retryPolicy: restate.RetryPolicy = {
    initialInterval: initialIntervalMs,
    maxInterval: maxIntervalMs,
    exponentiationFactor: 2,
    maxAttempts,
    onMaxAttempts: 'kill',
  };
  const cancellations = new CancellationWatch(admin, CANCELLATION_POLL);
  const dependencies = { registry, names, runExists, maxPayloadBytes: options.maxPayloadBytes, cancellations };
  return {
    names,
    workflow: workflowService(dependencies, { retryPolicy, workflowRetention: options.retentionMs }),
    mailbox: mailboxObject(names, { retryPolicy }),
    step: stepService(dependencies, { retryPolicy }),
  };
}

const json = <T>() => restate.serde.json as restate.Serde<T>;

/** Attempts running longer than a second are checked for a cancellation twice a second. */
const CANCELLATION_POLL = { afterMs: 1_000, intervalMs: 500 };

interface Dependencies {
  readonly registry: Registry;
  readonly names: ServiceNames;
  readonly runExists: RunExists;
  readonly maxPayloadBytes: number;
  readonly cancellations: CancellationWatch;
}

function workflowService(dependencies: Dependencies, options: restate.WorkflowOptions) {
  const { registry, maxPayloadBytes } = dependencies;
  return restate.workflow({
    name: dependencies.names.workflow,
    options,
    handlers: {
      /** Records the execution, then runs the registered workflow named in the input; a failure is an outcome too. */
      run: restate.handlers.workflow.workflow(
        // A journal mismatch fails the invocation at once (protocol v7 servers); on v6 it is retried, then killed.
        { onJournalMismatchErrors: 'fail' },
        (ctx: restate.WorkflowContext, { workflowName, runId, input, delayMs }: RunInput): Promise<RunOutput> => {
          const record: ExecutionRecord = { workflowName, invocationId: ctx.request().id, runId };
          ctx.set(RECORD_STATE, record);
          const context = new RestateEngineContext(ctx, workflowName, dependencies);
          const execute = () => executeWorkflow(registry.workflow(workflowName), context, input, maxPayloadBytes);
          // Chained rather than awaited: no suspended frame of the handler stays alive while the workflow runs. An
          // unregistered workflow (a throw of `registry.workflow`) is a failure outcome like any other.
          const running = delayMs ? context.sleep(delayMs).then(execute) : callAsync(execute);
          return running.then(
            (value) => ended(ctx, record, { status: 'completed', value }),
            (error: unknown) => ended(ctx, record, failureOutcome(error)),
          );
        },
      ),
      /** The execution's record; `null` while the run has not recorded itself. */
      describe: restate.handlers.workflow.shared(
        async (ctx: restate.WorkflowSharedContext): Promise<ExecutionRecord | null> =>
          ctx.get<ExecutionRecord>(RECORD_STATE),
      ),
      /** Settles a durable promise (user promise or mailbox slot) of a running execution; the first one wins. */
      settle: restate.handlers.workflow.shared(
        async (ctx: restate.WorkflowSharedContext, input: SettleInput): Promise<Checked<{ settled: boolean }>> =>
          checked(ctx, input.workflowName, async () => {
            try {
              await ctx.promise(input.name).resolve(input.settlement);
              return { settled: true };
            } catch (error) {
              if (error instanceof restate.TerminalError && error.code === 409) return { settled: false };
              throw error;
            }
          }),
      ),
    },
  });
}

/**
 * The run's output, after recording how the execution ended: a delivery that comes later is refused (its shared
 * handlers read the record), instead of being accepted by an execution that will never see it.
 */
function ended(ctx: restate.WorkflowContext, record: ExecutionRecord, outcome: ExecutionOutcome): RunOutput {
  ctx.set<ExecutionRecord>(RECORD_STATE, { ...record, ended: outcome.status });
  return { workflowName: record.workflowName, outcome };
}

/** Why a delivery to an execution of `workflowName` with this record is refused; undefined when it is not. */
function checkDelivery(
  record: ExecutionRecord | null,
  workflowName: string,
): Exclude<Checked<never>, { execution: 'found' }> | undefined {
  if (!record) return { execution: 'unrecorded' };
  if (record.workflowName !== workflowName) return { execution: 'other', workflowName: record.workflowName };
  if (record.ended) return { execution: 'ended', status: record.ended };
  return undefined;
}

/** Delivers with `action` only to a running, recorded execution of `workflowName`. */
async function checked<T>(
  ctx: restate.WorkflowSharedContext,
  workflowName: string,
  action: () => Promise<T>,
): Promise<Checked<T>> {
  const refused = checkDelivery(await ctx.get<ExecutionRecord>(RECORD_STATE), workflowName);
  return refused ?? { execution: 'found', result: await action() };
}

/**
 * Runs one step attempt of an execution in its own invocation, journaled by a `ctx.run` named after the step (see
 * `runStep`: the attempts of steps that wait beside other operations). A cancellation of the execution reaches this
 * call too: it aborts the attempt's `info.signal`.
 */
function stepService(dependencies: Dependencies, options: restate.ServiceOptions) {
  const { registry, maxPayloadBytes, cancellations } = dependencies;
  return restate.service({
    name: dependencies.names.step,
    options,
    handlers: {
      attempt: (ctx: restate.Context, input: StepAttemptInput): Promise<AttemptResult> => {
        const attempts = new InFlightAttempts(cancellations, ctx.request().id);
        const step = registry.step(input.stepName);
        const info = { attempt: input.attempt, executionId: input.executionId, stepName: input.stepName };
        const options = { timeoutMs: input.timeoutMs, maxPayloadBytes };
        return ctx
          .run<AttemptResult>(input.stepName, () => runAttempt(attempts, step, input.args, info, options))
          .catch((error: unknown) => {
            if (error instanceof restate.CancelledError) attempts.abortAll();
            throw error;
          });
      },
    },
  });
}

function mailboxObject(names: ServiceNames, options: restate.ObjectOptions) {
  return restate.object({
    name: names.mailbox,
    options,
    handlers: {
      /** Appends a message to a channel: the next sequence number of the channel names its durable promise. */
      send: async (
        ctx: restate.ObjectContext,
        { workflowName, channel, message }: SendInput,
      ): Promise<Checked<null>> => {
        const record = await describeExecution(ctx, names, ctx.key);
        const refused = checkDelivery(record, workflowName);
        if (refused || !record) return refused ?? { execution: 'unrecorded' }; // (!record implies refused)
        // An id reused after its run's retention ended is a new execution: its channels start from message 0 again.
        if ((await ctx.get<string>(MAILBOX_STATE.run)) !== record.runId) {
          ctx.clearAll();
          ctx.set(MAILBOX_STATE.run, record.runId);
        }
        const seq = (await ctx.get<number>(MAILBOX_STATE.sequence(channel))) ?? 0;
        ctx.set(MAILBOX_STATE.sequence(channel), seq + 1);
        const settle: SettleInput = {
          workflowName,
          name: messageKey(channel, seq),
          settlement: { kind: 'value', value: message },
        };
        ctx.genericSend({
          service: names.workflow,
          method: 'settle',
          key: ctx.key,
          parameter: settle,
          inputSerde: json(),
        });
        return { execution: 'found', result: null };
      },
    },
  });
}
