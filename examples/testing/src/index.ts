/**
 * `@durable-runtime/example-testing`: what the examples' tests share. Each example's test runs the example on every
 * backend of {@link EXAMPLE_BACKENDS}, configured the way an application is: through `loadConfig` and environment
 * variables that point at an engine the test starts on loopback.
 */
export {
  EXAMPLE_BACKENDS,
  type ExampleBackend,
  memoryBackend,
  type RunningEngine,
  resonateBackend,
  restateBackend,
  temporalBackend,
} from './backends.js';
export { onEachBackend, RUN_ID } from './vitest.js';
