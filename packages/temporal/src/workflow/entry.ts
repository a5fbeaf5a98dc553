import { type AnyWorkflow, isWorkflowDefinition, ValidationError } from '@durable-runtime/core';
import { executeWorkflow, failureOutcome } from '@durable-runtime/core/spi';
import {
  type ApplicationFailure,
  CancelledFailure,
  DeterminismViolationError,
  workflowInfo,
} from '@temporalio/workflow';
import { Cancellation } from './cancellation.js';
import { type EndRecord, endRecord } from './end-record.js';
import { createEngineContext } from './engine-context.js';
import { shapeToFailure } from './failures.js';
import { installInbox } from './inbox.js';
import { START_DELAY_MEMO } from './names.js';
import { limitOf } from './payload-limit.js';

/** A workflow module as imported: its exports, among which the workflow definitions. */
export type WorkflowModule = Readonly<Record<string, unknown>>;

/**
 * The workflow definitions exported by `modules`, by name: exported directly, or as items of an exported array or
 * plain object (`export const workflows = [a, b]`). Accessors of nested objects are not invoked.
 */
export function collectWorkflows(modules: readonly WorkflowModule[]): Map<string, AnyWorkflow> {
  const found = new Map<string, AnyWorkflow>();
  const add = (value: unknown) => {
    if (isWorkflowDefinition(value) && !found.has(value.name)) found.set(value.name, value);
  };
  for (const module of modules) {
    for (const value of Object.values(module)) {
      add(value);
      if (Array.isArray(value) || isPlainObject(value)) nestedValues(value).forEach(add);
    }
  }
  return found;
}

function isPlainObject(value: unknown): value is object {
  if (value === null || typeof value !== 'object' || isWorkflowDefinition(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function nestedValues(value: object): unknown[] {
  return Object.values(Object.getOwnPropertyDescriptors(value)).flatMap((property) =>
    'value' in property ? [property.value] : [],
  );
}

/**
 * Builds the one Temporal workflow function of the bundle (its default export): it looks up the definition named by
 * the execution's workflow type, runs it with core's `executeWorkflow` on the Temporal engine context and ends the
 * execution with the outcome core decides, recording the final state with it ({@link EndRecord}). A failure carries
 * core's `ErrorShape` exactly (type = the error's name, details = the shape); a cancelled execution ends CANCELLED
 * when core's `CancelledError` escapes, COMPLETED when the workflow caught it and returned.
 */
export function createWorkflowEntry(modules: readonly WorkflowModule[]): (input: unknown) => Promise<unknown> {
  const workflows = collectWorkflows(modules);
  return async function durableRuntimeWorkflow(input: unknown): Promise<unknown> {
    const info = workflowInfo();
    const definition = workflows.get(info.workflowType);
    if (!definition) throw unknownWorkflow(info.workflowType, workflows);
    const cancellation = new Cancellation();
    const inbox = installInbox();
    const maxPayloadBytes = limitOf(info.memo);
    const engine = createEngineContext(
      { workflowName: definition.name, executionId: info.workflowId },
      inbox,
      cancellation,
      maxPayloadBytes,
    );
    let value: unknown;
    try {
      const delayMs = info.memo?.[START_DELAY_MEMO];
      if (typeof delayMs === 'number' && delayMs > 0) await engine.sleep(delayMs);
      value = await executeWorkflow(definition, engine, input, maxPayloadBytes);
    } catch (error) {
      throw toTemporalFailure(error, cancellation, endRecord(undefined, inbox.state));
    }
    return endRecord(value, inbox.state);
  };
}

/** Fails the execution at once (not only its workflow task, retried forever): no worker of this bundle can run it. */
function unknownWorkflow(workflowType: string, workflows: ReadonlyMap<string, AnyWorkflow>): ApplicationFailure {
  const known = [...workflows.keys()].map((name) => `'${name}'`).join(', ') || 'none';
  const error = new ValidationError(
    `Workflow '${workflowType}' is not defined in this worker's workflowModules (defined: ${known})`,
  );
  return shapeToFailure(error.toShape(), true);
}

function toTemporalFailure(error: unknown, cancellation: Cancellation, record: EndRecord): unknown {
  // The sandbox's own determinism checks fail the workflow task; the worker then fails the execution.
  if (error instanceof DeterminismViolationError) return error;
  const outcome = failureOutcome(error);
  if (outcome.status === 'cancelled' && cancellation.requested) {
    return new CancelledFailure(outcome.error.message, [outcome.error, record]);
  }
  return shapeToFailure(outcome.error, true, [record]);
}
