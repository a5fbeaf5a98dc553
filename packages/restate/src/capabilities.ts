import { ALL_CAPABILITIES, type Capabilities } from '@durable-runtime/core';

/** Every feature of the API: the Restate adapter provides them all. */
export const restateCapabilities: Capabilities = ALL_CAPABILITIES;
