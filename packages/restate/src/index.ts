/**
 * `@durable-runtime/restate`: runs durable-runtime workflows on Restate. The runtime serves a Restate endpoint (two
 * static services that run every registered workflow), registers it with the admin API and reaches every operation
 * through the ingress. A server for tests and examples at `@durable-runtime/restate/testing`.
 */
export { createBackend, createRestateRuntime, type RestateRuntime } from './backend.js';
export { restateCapabilities } from './capabilities.js';
export type { InvocationRetryOptions, RestateLogLevel, RestateRuntimeOptions } from './options.js';
