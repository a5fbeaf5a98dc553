/**
 * @durable-runtime/conformance: the shared suite every backend runs. Adapters call {@link runConformance} (or single
 * groups) from their own vitest file, and the crash certification from `@durable-runtime/conformance/crash`.
 */
export { afterEndTests } from './groups/after-end.js';
export { cancellationTests } from './groups/cancellation.js';
export { childTests } from './groups/children.js';
export { codeChangeTests } from './groups/code-changes.js';
export { concurrencyTests } from './groups/concurrency.js';
export { determinismTests } from './groups/determinism.js';
export { failureCancellationTests } from './groups/failure-cancellation.js';
export { identityTests } from './groups/identity.js';
export { limitTests } from './groups/limits.js';
export { messageTests } from './groups/messages.js';
export { outageTests } from './groups/outages.js';
export { promiseTests } from './groups/promises.js';
export { retryTests } from './groups/retries.js';
export { serializationTests } from './groups/serialization.js';
export { startTests } from './groups/start.js';
export { stateTests } from './groups/state.js';
export { stepTests } from './groups/steps.js';
export { timerTests } from './groups/timers.js';
export { fixtureSetup, GROUPS, type GroupName } from './harness.js';
export type { ConformanceOptions, FixtureSetup, TimingOptions } from './options.js';
export { CONFORMANCE_GROUPS, GROUP_TESTS, runConformance } from './run-conformance.js';
