import type { Registry } from '@durable-runtime/core';
import { callAsync, executeWorkflow, failureOutcome } from '@durable-runtime/core/spi';
import * as restate from '@restatedev/restate-sdk';
import { RestateEngineContext } from './engine-context.js';
import { describeExecution, type RunExists } from './execution-record.js';
import type { ResolvedRestateOptions } from './options.js';
import {
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
  type StateInput,
  type StateResult,
  type StoredValue,
  serviceNames,
  stateKey,
  userStateKey,
} from './protocol.js';

/** The adapter's two Restate services (see protocol.ts). */
export interface RestateServices {
  readonly names: ServiceNames;
  readonly workflow: ReturnType<typeof workflowService>;
  readonly mailbox: ReturnType<typeof mailboxObject>;
}

export function createServices(
  registry: Registry,
  options: ResolvedRestateOptions,
  runExists: RunExists,
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
  const dependencies = { registry, names, runExists };
  return {
    names,
    workflow: workflowService(dependencies, { retryPolicy, workflowRetention: options.retentionMs }),
    mailbox: mailboxObject(names, { retryPolicy }),
  };
}

const json = <T>() => restate.serde.json as restate.Serde<T>;

interface Dependencies {
  readonly registry: Registry;
  readonly names: ServiceNames;
  readonly runExists: RunExists;
}

function workflowService({ registry, names, runExists }: Dependencies, options: restate.WorkflowOptions) {
  return restate.workflow({
    name: names.workflow,
    options,
    handlers: {
      /** Records the execution, then runs the registered workflow named in the input; a failure is an outcome too. */
      run: restate.handlers.workflow.workflow(
        // A journal mismatch fails the invocation at once (protocol v7 servers); on v6 it is retried, then killed.
        { onJournalMismatchErrors: 'fail' },
        (ctx: restate.WorkflowContext, { workflowName, runId, input, delayMs }: RunInput): Promise<RunOutput> => {
          const record: ExecutionRecord = { workflowName, invocationId: ctx.request().id, runId };
          ctx.set(RECORD_STATE, record);
          const context = new RestateEngineContext(ctx, workflowName, { registry, names, runExists });
          const execute = () => executeWorkflow(registry.workflow(workflowName), context, input);
          // Chained rather than awaited: no suspended frame of the handler stays alive while the workflow runs. An
          // unregistered workflow (a throw of `registry.workflow`) is a failure outcome like any other.
          const running = delayMs ? context.sleep(delayMs).then(execute) : callAsync(execute);
          return running.then(
            (value): RunOutput => ({ workflowName, outcome: { status: 'completed', value } }),
            (error: unknown): RunOutput => ({ workflowName, outcome: failureOutcome(error) }),
          );
        },
      ),
      /** The execution's record; `null` while the run has not recorded itself. */
      describe: restate.handlers.workflow.shared(
        async (ctx: restate.WorkflowSharedContext): Promise<ExecutionRecord | null> =>
          ctx.get<ExecutionRecord>(RECORD_STATE),
      ),
      /** Settles a durable promise (user promise or mailbox slot); the first settlement wins. */
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
      /** Reads the execution's state from outside, while it runs and after it ended. */
      state: restate.handlers.workflow.shared(
        async (ctx: restate.WorkflowSharedContext, input: StateInput): Promise<Checked<StateResult>> =>
          checked(ctx, input.workflowName, () => readState(ctx, input.key)),
      ),
    },
  });
}

/** Runs `action` only for a recorded execution of `workflowName`. */
async function checked<T>(
  ctx: restate.WorkflowSharedContext,
  workflowName: string,
  action: () => Promise<T>,
): Promise<Checked<T>> {
  const record = await ctx.get<ExecutionRecord>(RECORD_STATE);
  if (!record) return { execution: 'unrecorded' };
  if (record.workflowName !== workflowName) return { execution: 'other', workflowName: record.workflowName };
  return { execution: 'found', result: await action() };
}

async function readState(ctx: restate.WorkflowSharedContext, key: string | undefined): Promise<StateResult> {
  if (key !== undefined) {
    const stored = await ctx.get<StoredValue>(stateKey(key));
    return stored === null ? { found: false } : { found: true, value: stored.v };
  }
  const entries: Record<string, unknown> = {};
  for (const restateKey of await ctx.stateKeys()) {
    const userKey = userStateKey(restateKey);
    const stored = userKey === undefined ? null : await ctx.get<StoredValue>(restateKey);
    if (userKey !== undefined && stored !== null) entries[userKey] = stored.v;
  }
  return { entries };
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
        if (!record) return { execution: 'unrecorded' };
        if (record.workflowName !== workflowName) return { execution: 'other', workflowName: record.workflowName };
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
