/**
 * @durable-runtime/sqlite: local mode that survives kill -9. The memory engine's journal and replay over one SQLite
 * file (Node's built-in `node:sqlite`, WAL mode): worker and client processes share the file, each execution runs in
 * one worker at a time (a claim with a lease), and a killed worker's executions are taken over by the next one.
 */
import type { AdapterConfig, Registry, RegistryInput } from '@durable-runtime/core';
import { createRegistry } from '@durable-runtime/core';
import { createRuntimeFromClient, type EngineClient } from '@durable-runtime/core/spi';
import { MemoryEngine, type MemoryEngineOptions, type MemoryRuntime, VirtualClock } from '@durable-runtime/memory';
import { type SqliteConfig, SqliteConfigSchema } from './config.js';
import type { SqliteStoreOptions } from './options.js';
import { openSqliteStore, type SqliteStore } from './sqlite-store.js';

export { type SqliteConfig, type SqliteConfigInput, SqliteConfigSchema } from './config.js';
export { SqliteFileError, type SqliteFileProblem } from './file-errors.js';
export { DEFAULT_SQLITE_PATH, type SqliteStoreOptions } from './options.js';
export { MIGRATIONS, SCHEMA_VERSION } from './schema.js';
export { openSqliteStore, type SqliteStore } from './sqlite-store.js';

/** Validates `{ backend: 'sqlite', ... }` for `createRuntime` (core has no built-in knowledge of this backend). */
export const configSchema = SqliteConfigSchema;

/** Options of {@link createSqliteRuntime}: the store's, and the engine's. */
export interface SqliteRuntimeOptions extends SqliteStoreOptions, Omit<MemoryEngineOptions, 'store'> {
  /** An open store to use instead of opening `path`. */
  readonly store?: SqliteStore;
}

/** A runtime on the SQLite engine, with the memory engine's test controls. */
export interface SqliteRuntime extends MemoryRuntime {
  readonly store: SqliteStore;
}

/**
 * Creates a runtime on a SQLite file directly (without `createRuntime`).
 * @example
 * const runtime = createSqliteRuntime('.durable/orders.sqlite', { workflows: [order], steps: [chargeCard] });
 * @throws SqliteFileError naming the path when the file is locked, corrupt or written by a newer version
 */
export function createSqliteRuntime(
  path: string | undefined,
  registry: RegistryInput,
  options: SqliteRuntimeOptions = {},
): SqliteRuntime {
  const store = options.store ?? openSqliteStore(path, options);
  const engine = sqliteEngine(store, createRegistry(registry), options, !options.store);
  const runtime = createRuntimeFromClient(engine, engine.registry, { maxPayloadBytes: engine.maxPayloadBytes });
  return Object.assign(runtime, { engine, store, clock: engine.clock, crash: () => engine.crash() });
}

/** The adapter entry `createRuntime({ backend: 'sqlite' })` loads. */
export async function createBackend(config: AdapterConfig, registry: Registry): Promise<EngineClient> {
  const { clock, backend: _backend, path, ...options }: SqliteConfig = SqliteConfigSchema.parse(config);
  const store = openSqliteStore(path, options);
  const virtual = clock === 'virtual' ? { clock: new VirtualClock({ autoAdvance: true }) } : {};
  return sqliteEngine(store, registry, { ...options, ...virtual }, true);
}

function sqliteEngine(
  store: SqliteStore,
  registry: Registry,
  options: Omit<MemoryEngineOptions, 'store'>,
  ownsStore: boolean,
): MemoryEngine {
  return new MemoryEngine(registry, {
    ...options,
    store,
    backend: 'sqlite',
    ...(ownsStore ? { onClose: () => store.close() } : {}),
  });
}
