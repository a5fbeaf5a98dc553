import { runConformance } from '@durable-runtime/conformance';
import { ALL_CAPABILITIES } from '@durable-runtime/core';
import { createMemoryRuntime, type MemoryRuntime } from '../src/index.js';

runConformance({
  name: 'memory',
  capabilities: ALL_CAPABILITIES,
  createRuntime: async ({ registry }) => createMemoryRuntime(registry),
  async restart(runtime, { registry }) {
    const crashed = runtime as MemoryRuntime;
    crashed.crash();
    return createMemoryRuntime(registry, { store: crashed.engine.store });
  },
  createClient: async ({ registry }, closed) =>
    createMemoryRuntime(registry, { store: (closed as MemoryRuntime).engine.store, worker: false }),
});
