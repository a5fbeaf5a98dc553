import { type AnyWorkflow, type InputOf, isWorkflowDefinition, type OutputOf } from '../definitions.js';
import { type ErrorShape, RuntimeClosedError, toErrorShape, ValidationError } from '../errors.js';
import { assertExecutionId, assertName, randomExecutionId } from '../ids.js';
import { DEFAULT_MAX_PAYLOAD_BYTES, toPayload } from '../payload.js';
import type { Registry } from '../registry.js';
import type { ExecutionHandle, Runtime, StartOptions } from '../runtime.js';
import { parseWithSchema } from '../validation.js';
import { callAsync } from './call-async.js';
import { unwrapChild } from './durable-context.js';
import type { EngineClient, ExecutionRef } from './engine.js';

/**
 * Builds the public {@link Runtime} over an adapter's {@link EngineClient}: checks that workflows are registered,
 * validates input before anything is persisted, checks ids and JSON, and builds the API's errors.
 */
export function createRuntimeFromClient(
  engine: EngineClient,
  registry: Registry,
  options: ClientRuntimeOptions = {},
): Runtime {
  const limit = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  const client = closable(engine);
  const refOf = (workflow: AnyWorkflow, id: string): ExecutionRef => {
    if (!isWorkflowDefinition(workflow)) {
      throw new ValidationError('Expected a workflow created with defineWorkflow as the first argument');
    }
    registry.workflow(workflow.name);
    assertExecutionId(id);
    return { workflowName: workflow.name, executionId: id };
  };

  const handle = <W extends AnyWorkflow>(workflow: W, id: string): ExecutionHandle<W> => {
    const ref = refOf(workflow, id);
    return createHandle<W>(client, ref, limit);
  };

  /** Checks and records a start; the execution's reference. */
  const started = async (workflow: AnyWorkflow, input: unknown, options: StartOptions | undefined) => {
    const ref = refOf(workflow, options?.id ?? randomExecutionId());
    const what = `input of workflow '${workflow.name}'`;
    client.assertOpen();
    const json = toPayload(input, what, limit);
    // A schema may transform the input: its output is checked again.
    const parsed = workflow.input ? toPayload(parseWithSchema(workflow.input, json, what), what, limit) : json;
    await client.start({ workflowName: ref.workflowName, executionId: ref.executionId, input: parsed });
    return ref;
  };

  const runtime: Runtime = {
    backend: client.backend,
    capabilities: client.capabilities,
    async start<W extends AnyWorkflow>(workflow: W, input: InputOf<W>, options?: StartOptions) {
      return createHandle<W>(client, await started(workflow, input, options), limit);
    },
    // No handle: its closures would be built for nothing.
    async run<W extends AnyWorkflow>(workflow: W, input: InputOf<W>, options?: StartOptions) {
      return resultOf<W>(client, await started(workflow, input, options));
    },
    handle,
    close: () => client.close(),
  };
  return runtime;
}

/** Options of {@link createRuntimeFromClient}. */
export interface ClientRuntimeOptions {
  /** @default DEFAULT_MAX_PAYLOAD_BYTES */
  readonly maxPayloadBytes?: number | undefined;
}

/**
 * The engine client behind a gate: once `close()` was called, every call rejects with {@link RuntimeClosedError}
 * instead of reaching a closed connection (or doing nothing without a word). `close()` itself may be called again.
 */
function closable(engine: EngineClient): EngineClient & { assertOpen(): void } {
  let closing: Promise<void> | undefined;
  const assertOpen = () => {
    if (closing) throw new RuntimeClosedError(engine.backend);
  };
  const open =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      closing ? Promise.reject(new RuntimeClosedError(engine.backend)) : call(...args);
  return {
    backend: engine.backend,
    capabilities: engine.capabilities,
    assertOpen,
    start: open((request) => engine.start(request)),
    outcome: open((ref) => engine.outcome(ref)),
    status: open((ref) => engine.status(ref)),
    settlePromise: open((ref, name, settlement) => engine.settlePromise(ref, name, settlement)),
    getState: open((ref, key) => engine.getState(ref, key)),
    send: open((ref, channel, message) => engine.send(ref, channel, message)),
    cancel: open((ref) => engine.cancel(ref)),
    close() {
      closing ??= engine.close();
      return closing;
    },
  };
}

/** The output of an execution once it ended, or the error it ended with. */
function resultOf<W extends AnyWorkflow>(client: EngineClient, ref: ExecutionRef): Promise<OutputOf<W>> {
  return client.outcome(ref).then((outcome) => unwrapChild(outcome, ref.workflowName, ref.executionId) as OutputOf<W>);
}

function createHandle<W extends AnyWorkflow>(
  client: EngineClient,
  ref: ExecutionRef,
  limit: number,
): ExecutionHandle<W> {
  return {
    id: ref.executionId,
    workflowName: ref.workflowName,
    result: () => resultOf<W>(client, ref),
    status: () => client.status(ref),
    resolvePromise(name, value) {
      return callAsync(() => {
        assertName(name, 'promise name');
        const json = toPayload(value, `value of promise '${name}'`, limit);
        return client.settlePromise(ref, name, { kind: 'value', value: json });
      });
    },
    rejectPromise(name, error) {
      return callAsync(() => {
        assertName(name, 'promise name');
        const shape = typeof error === 'string' ? { name: 'Error', message: error } : toErrorShape(error);
        const rejection = toPayload({ name: shape.name, message: shape.message }, `error of promise '${name}'`, limit);
        return client.settlePromise(ref, name, { kind: 'error', error: rejection as ErrorShape });
      });
    },
    getState: (async (key?: string) => {
      if (key !== undefined) assertName(key, 'state key');
      return client.getState(ref, key);
    }) as ExecutionHandle<W>['getState'],
    async send(channel, message) {
      assertName(channel, 'channel');
      await client.send(ref, channel, toPayload(message, `message on channel '${channel}'`, limit));
    },
    cancel: () => client.cancel(ref),
  };
}
