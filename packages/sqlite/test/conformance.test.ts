import { runConformance } from '@durable-runtime/conformance';
import { ALL_CAPABILITIES } from '@durable-runtime/core';
import { createSqliteRuntime, type SqliteRuntime } from '../src/index.js';
import { tempFiles } from './temp-files.js';

const file = tempFiles('durable-sqlite-conformance-');
// A short lease: a restart is a crash (the old worker's claims are not released), taken over once they lapse.
const options = { leaseMs: 300, pollMs: 5 };

runConformance({
  name: 'sqlite',
  capabilities: ALL_CAPABILITIES,
  createRuntime: async ({ registry }) => createSqliteRuntime(file(), registry, options),
  async restart(runtime, { registry }) {
    const crashed = runtime as SqliteRuntime;
    crashed.crash();
    return createSqliteRuntime(crashed.store.path, registry, options);
  },
  createClient: async ({ registry }, closed) =>
    createSqliteRuntime((closed as SqliteRuntime).store.path, registry, { ...options, worker: false }),
});
