import { ALL_CAPABILITIES, type Capabilities } from '@durable-runtime/core';

/** What the Temporal backend provides: every feature of the API. */
export const temporalCapabilities: Capabilities = ALL_CAPABILITIES;
