import type { Registry } from '@durable-runtime/core';
import { type ExecutionOutcome, executeWorkflow, failureOutcome } from '@durable-runtime/core/spi';
import * as restate from '@restatedev/restate-sdk';
import { RestateEngineContext } from './engine-context.js';
import type { ResolvedRestateOptions } from './options.js';
import {
  EXECUTION_STATE,
  type ExecutionInfo,
  messageKey,
  type RunInput,
  type RunOutput,
  type SendInput,
  type SendResult,
  type ServiceNames,
  type SettleInput,
  type StartInput,
  type StartResult,
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
  readonly execution: ReturnType<typeof executionObject>;
}

export function createServices(registry: Registry, options: ResolvedRestateOptions): RestateServices {
  const names = serviceNames(options.servicePrefix);
  const { initialIntervalMs, maxIntervalMs, maxAttempts } = options.invocationRetry;
  const retryPolicy: restate.RetryPolicy = {
    initialInterval: initialIntervalMs,
    maxInterval: maxIntervalMs,
    exponentiationFactor: 2,
    maxAttempts,
    onMaxAttempts: 'kill',
  };
  return {
    names,
    workflow: workflowService(registry, names, { retryPolicy, workflowRetention: options.retentionMs }),
    execution: executionObject(names, { retryPolicy }),
  };
}

const json = <T>() => restate.serde.json as restate.Serde<T>;

function workflowService(registry: Registry, names: ServiceNames, options: restate.WorkflowOptions) {
  return restate.workflow({
    name: names.workflow,
    options,
    handlers: {
      /** Runs the registered workflow named in the input; its outcome (also a failure) is the invocation's output. */
      run: restate.handlers.workflow.workflow(
        // A journal mismatch fails the invocation at once (protocol v7 servers); on v6 it is retried, then killed.
        { onJournalMismatchErrors: 'fail' },
        async (ctx: restate.WorkflowContext, { workflowName, input }: RunInput): Promise<RunOutput> => {
          let outcome: ExecutionOutcome;
          try {
            const context = new RestateEngineContext(ctx, workflowName, registry, names);
            const value = await executeWorkflow(registry.workflow(workflowName), context, input);
            outcome = { status: 'completed', value };
          } catch (error) {
            outcome = failureOutcome(error);
          }
          ctx.genericSend({
            service: names.execution,
            method: 'finished',
            key: ctx.key,
            parameter: outcome,
            inputSerde: json<ExecutionOutcome>(),
          });
          return { workflowName, outcome };
        },
      ),
      /** Settles a durable promise (user promise or mailbox slot); the first settlement wins. */
      settle: restate.handlers.workflow.shared(
        async (ctx: restate.WorkflowSharedContext, { name, settlement }: SettleInput) => {
          try {
            await ctx.promise(name).resolve(settlement);
            return { settled: true };
          } catch (error) {
            if (error instanceof restate.TerminalError && error.code === 409) return { settled: false };
            throw error;
          }
        },
      ),
      /** Reads the execution's state from outside, while it runs and after it ended. */
      state: restate.handlers.workflow.shared(
        async (ctx: restate.WorkflowSharedContext, { key }: StateInput): Promise<StateResult> => {
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
        },
      ),
    },
  });
}

function executionObject(names: ServiceNames, options: restate.ObjectOptions) {
  return restate.object({
    name: names.execution,
    options,
    handlers: {
      /** Creates the execution once (submitting its run, after `delayMs`); later starts return the existing one. */
      start: async (ctx: restate.ObjectContext, input: StartInput): Promise<StartResult> => {
        const existing = await readInfo(ctx);
        if (existing) return { ...existing, created: false };
        const run: RunInput = { workflowName: input.workflowName, input: input.input };
        const handle = ctx.genericSend({
          service: names.workflow,
          method: 'run',
          key: ctx.key,
          parameter: run,
          inputSerde: json<RunInput>(),
          ...(input.delayMs ? { delay: input.delayMs } : {}),
        });
        const invocationId = await handle.invocationId;
        ctx.set(EXECUTION_STATE.workflowName, input.workflowName);
        ctx.set(EXECUTION_STATE.invocationId, invocationId);
        return { workflowName: input.workflowName, invocationId, created: true };
      },
      /** Appends a message to a channel: the next sequence number of the channel names its durable promise. */
      send: async (ctx: restate.ObjectContext, { workflowName, channel, message }: SendInput): Promise<SendResult> => {
        if ((await ctx.get<string>(EXECUTION_STATE.workflowName)) !== workflowName) return { delivered: false };
        const seq = (await ctx.get<number>(EXECUTION_STATE.sequence(channel))) ?? 0;
        ctx.set(EXECUTION_STATE.sequence(channel), seq + 1);
        const settle: SettleInput = { name: messageKey(channel, seq), settlement: { kind: 'value', value: message } };
        ctx.genericSend({
          service: names.workflow,
          method: 'settle',
          key: ctx.key,
          parameter: settle,
          inputSerde: json(),
        });
        return { delivered: true };
      },
      /** Records the outcome the run reported (kept beyond the workflow's retention). */
      finished: async (ctx: restate.ObjectContext, outcome: ExecutionOutcome) => {
        if ((await ctx.get(EXECUTION_STATE.outcome)) === null) ctx.set(EXECUTION_STATE.outcome, outcome);
      },
      /** The execution, or null when none has this id. */
      info: restate.handlers.object.shared(
        async (ctx: restate.ObjectSharedContext): Promise<ExecutionInfo | null> => readInfo(ctx),
      ),
    },
  });
}

async function readInfo(ctx: restate.ObjectSharedContext | restate.ObjectContext): Promise<ExecutionInfo | null> {
  const workflowName = await ctx.get<string>(EXECUTION_STATE.workflowName);
  if (workflowName === null) return null;
  const invocationId = (await ctx.get<string>(EXECUTION_STATE.invocationId)) ?? '';
  const outcome = await ctx.get<ExecutionOutcome>(EXECUTION_STATE.outcome);
  return { workflowName, invocationId, ...(outcome === null ? {} : { outcome }) };
}
