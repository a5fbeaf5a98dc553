/**
 * @durable-runtime/core: write durable logic once, run it on memory, Temporal, Restate or Resonate.
 * This entry is sandbox-safe (no Node built-ins): workflow modules import it inside Temporal's workflow bundle.
 */
export { ALL_CAPABILITIES, type Capabilities, FEATURES, type Feature } from './capabilities.js';
export {
  type AdapterConfig,
  adapterVariable,
  type BackendName,
  CONFIG_ENV,
  type DurableConfig,
  type DurableConfigInput,
  DurableConfigSchema,
  isAdapterBackend,
  type LoadConfigOptions,
  loadConfig,
  type MemoryConfig,
  parseConfig,
  type ResonateConfig,
  type RestateConfig,
  type TemporalConfig,
} from './config.js';
export type {
  CallOptions,
  ChildExecution,
  DurableContext,
  ExecutionState,
  ExecutionTarget,
  StartChildOptions,
  StepOptions,
  WaitOptions,
} from './context.js';
export { BACKEND_PACKAGES, createRuntime } from './create-runtime.js';
export {
  type AnyStep,
  type AnyWorkflow,
  defineStep,
  defineWorkflow,
  type InputOf,
  isStepDefinition,
  isWorkflowDefinition,
  type OutputOf,
  type StepDefinition,
  type StepFunction,
  type StepInfo,
  type WorkflowDefinition,
  type WorkflowFunction,
} from './definitions.js';
export { type Duration, type DurationUnit, parseDuration } from './duration.js';
export {
  CANCELLED_MESSAGE,
  CancelledError,
  ConfigError,
  DurableError,
  type DurableErrorCode,
  EngineConnectionError,
  type ErrorShape,
  ExecutionEndedError,
  ExecutionNotFoundError,
  fromErrorShape,
  idOwnedByOtherWorkflow,
  isErrorShape,
  isNonRetryable,
  NonDeterminismError,
  PayloadTooLargeError,
  RuntimeClosedError,
  SerializationError,
  StepFailedError,
  TerminalError,
  TimeoutError,
  toErrorShape,
  UnsupportedFeatureError,
  ValidationError,
  type ValidationIssue,
  WorkflowFailedError,
} from './errors.js';
export { assertExecutionId, childExecutionId } from './ids.js';
export { DEFAULT_MAX_PAYLOAD_BYTES, toPayload } from './payload.js';
export { createRegistry, type Registry, type RegistryInput } from './registry.js';
export {
  DEFAULT_RETRY_POLICY,
  type ResolvedRetryPolicy,
  type RetryDecision,
  type RetryPolicy,
  resolveRetryPolicy,
  retryDecision,
  retryDelayMs,
} from './retry.js';
export type { ExecutionHandle, ExecutionStatus, Runtime, StartOptions } from './runtime.js';
export { assertSerializable, type Json, jsonCopy, toJson } from './serialization.js';
