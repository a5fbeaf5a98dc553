/**
 * `@durable-runtime/temporal`: runs durable-runtime workflows on Temporal. Workflow code runs natively in Temporal's
 * workflow sandbox (bundled by the adapter from `workflowModules`); each step is an activity named after the step.
 * The sandbox-safe part lives at `@durable-runtime/temporal/workflow`; a dev server for tests at `./testing`.
 */
export { createBackend, createTemporalRuntime } from './backend.js';
export { temporalCapabilities } from './capabilities.js';
export type { TemporalRuntimeOptions, TemporalWorkerTuning } from './options.js';
