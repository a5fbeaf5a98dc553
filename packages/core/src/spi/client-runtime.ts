import { type AnyWorkflow, type InputOf, isWorkflowDefinition, type OutputOf } from '../definitions.js';
import { toErrorShape, ValidationError } from '../errors.js';
import { assertExecutionId, assertName, randomExecutionId } from '../ids.js';
import type { Registry } from '../registry.js';
import type { ExecutionHandle, Runtime, StartOptions } from '../runtime.js';
import { toJson } from '../serialization.js';
import { parseWithSchema } from '../validation.js';
import { unwrapChild } from './durable-context.js';
import type { EngineClient, ExecutionRef } from './engine.js';

/**
 * Builds the public {@link Runtime} over an adapter's {@link EngineClient}: checks that workflows are registered,
 * validates input before anything is persisted, checks ids and JSON, and builds the API's errors.
 */
export function createRuntimeFromClient(client: EngineClient, registry: Registry): Runtime {
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
    return createHandle<W>(client, ref);
  };

  const runtime: Runtime = {
    backend: client.backend,
    capabilities: client.capabilities,
    async start<W extends AnyWorkflow>(workflow: W, input: InputOf<W>, options?: StartOptions) {
      const ref = refOf(workflow, options?.id ?? randomExecutionId());
      const what = `input of workflow '${workflow.name}'`;
      const json = toJson(input, what);
      // A schema may transform the input: its output is checked again.
      const parsed = workflow.input ? toJson(parseWithSchema(workflow.input, json, what), what) : json;
      await client.start({ ...ref, input: parsed });
      return createHandle<W>(client, ref);
    },
    async run<W extends AnyWorkflow>(workflow: W, input: InputOf<W>, options?: StartOptions) {
      const started = await runtime.start(workflow, input, options);
      return started.result();
    },
    handle,
    close: () => client.close(),
  };
  return runtime;
}

function createHandle<W extends AnyWorkflow>(client: EngineClient, ref: ExecutionRef): ExecutionHandle<W> {
  return {
    id: ref.executionId,
    workflowName: ref.workflowName,
    result: () =>
      client.outcome(ref).then((outcome) => unwrapChild(outcome, ref.workflowName, ref.executionId) as OutputOf<W>),
    status: () => client.status(ref),
    async resolvePromise(name, value) {
      assertName(name, 'promise name');
      await client.settlePromise(ref, name, { kind: 'value', value: toJson(value, `value of promise '${name}'`) });
    },
    async rejectPromise(name, error) {
      assertName(name, 'promise name');
      const shape = typeof error === 'string' ? { name: 'Error', message: error } : toErrorShape(error);
      await client.settlePromise(ref, name, { kind: 'error', error: { name: shape.name, message: shape.message } });
    },
    getState: (async (key?: string) => {
      if (key !== undefined) assertName(key, 'state key');
      return client.getState(ref, key);
    }) as ExecutionHandle<W>['getState'],
    async send(channel, message) {
      assertName(channel, 'channel');
      await client.send(ref, channel, toJson(message, `message on channel '${channel}'`));
    },
    cancel: () => client.cancel(ref),
  };
}
