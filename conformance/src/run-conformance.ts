import { describe } from 'vitest';
import { afterEndTests } from './groups/after-end.js';
import { cancellationTests } from './groups/cancellation.js';
import { childTests } from './groups/children.js';
import { codeChangeTests } from './groups/code-changes.js';
import { concurrencyTests } from './groups/concurrency.js';
import { determinismTests } from './groups/determinism.js';
import { failureCancellationTests } from './groups/failure-cancellation.js';
import { identityTests } from './groups/identity.js';
import { limitTests } from './groups/limits.js';
import { messageTests } from './groups/messages.js';
import { outageTests } from './groups/outages.js';
import { promiseTests } from './groups/promises.js';
import { retryTests } from './groups/retries.js';
import { serializationTests } from './groups/serialization.js';
import { startTests } from './groups/start.js';
import { stateTests } from './groups/state.js';
import { stepTests } from './groups/steps.js';
import { timerTests } from './groups/timers.js';
import { GROUPS, type GroupName } from './harness.js';
import type { ConformanceOptions } from './options.js';

/** The tests of each group, by name. */
export const GROUP_TESTS: { readonly [G in GroupName]: (options: ConformanceOptions) => void } = {
  start: startTests,
  steps: stepTests,
  timers: timerTests,
  promises: promiseTests,
  state: stateTests,
  messages: messageTests,
  children: childTests,
  determinism: determinismTests,
  'failure-cancellation': failureCancellationTests,
  serialization: serializationTests,
  identity: identityTests,
  cancellation: cancellationTests,
  retries: retryTests,
  'code-changes': codeChangeTests,
  'after-end': afterEndTests,
  limits: limitTests,
  outages: outageTests,
  concurrency: concurrencyTests,
};

/** The groups {@link runConformance} registers, in spec order. */
export const CONFORMANCE_GROUPS = GROUPS.map((name) => GROUP_TESTS[name]);

/**
 * Registers the whole conformance suite for one backend. Call it from the adapter's test file:
 * @example
 * runConformance({ name: 'memory', capabilities: ALL_CAPABILITIES, createRuntime: ({ registry }) => ... });
 */
export function runConformance(options: ConformanceOptions): void {
  describe(`conformance: ${options.name}`, () => {
    for (const group of CONFORMANCE_GROUPS) group(options);
  });
}
