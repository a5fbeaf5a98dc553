/**
 * The adapter SPI: what a backend implements, and the helpers that keep engine-neutral logic in core.
 * Sandbox-safe: no Node built-ins.
 */
export type { BackendModule } from '../create-runtime.js';
export type { Registry } from '../registry.js';
export { callAsync } from './call-async.js';
export { type ClientRuntimeOptions, createRuntimeFromClient } from './client-runtime.js';
export { createDurableContext, unwrapChild } from './durable-context.js';
export type {
  EngineClient,
  EngineContext,
  ExecutionOutcome,
  ExecutionRef,
  PromiseSettlement,
  StartRequest,
  StepOutcome,
  StepRequest,
  WaitOutcome,
} from './engine.js';
export {
  type AttemptInfo,
  type AttemptOptions,
  type AttemptSettlement,
  type CancelSignal,
  executeStepAttempt,
  executeWorkflow,
  failureOutcome,
  outcomeOfShape,
  startStepAttempt,
} from './execute.js';
export {
  type Divergence,
  divergenceError,
  type OperationKind,
  operationName,
  targetName,
} from './operation-names.js';
