/**
 * @durable-runtime/memory: the in-process reference engine. Local mode for development, tests and single-process
 * apps; the strictest backend (every payload JSON round-tripped, replays checked for determinism).
 */
import type { DurableConfig, Registry, RegistryInput, Runtime } from '@durable-runtime/core';
import { createRegistry } from '@durable-runtime/core';
import { createRuntimeFromClient, type EngineClient } from '@durable-runtime/core/spi';
import { type Clock, VirtualClock } from './clock.js';
import { MemoryEngine, type MemoryEngineOptions } from './memory-engine.js';

export { type Clock, realClock, type Timer, VirtualClock } from './clock.js';
export { createInMemoryStore } from './in-memory-store.js';
export { MemoryEngine, type MemoryEngineOptions } from './memory-engine.js';
export {
  ClaimLostError,
  ENDED_STATUSES,
  type ExecutionRecord,
  type ExecutionStore,
  type InboundFields,
  type JournalEntry,
  newRecord,
  type OperationKind,
  type RecordStatus,
  type StoreConnection,
} from './store.js';

/** A memory runtime, with the test controls of local mode. */
export interface MemoryRuntime extends Runtime {
  readonly engine: MemoryEngine;
  readonly clock: Clock;
  /** Abandons the runtime mid-flight as a process crash would; open a new one over `engine.store` to resume. */
  crash(): void;
}

/**
 * Creates a memory runtime directly (without `createRuntime`), e.g. for tests with a {@link VirtualClock}.
 * @example
 * const clock = new VirtualClock();
 * const runtime = createMemoryRuntime({ workflows: [order], steps: [chargeCard] }, { clock });
 * const handle = await runtime.start(order, input, { id: 'o-1' });
 * await clock.advance('2d');
 */
export function createMemoryRuntime(registry: RegistryInput, options: MemoryEngineOptions = {}): MemoryRuntime {
  const engine = new MemoryEngine(createRegistry(registry), options);
  const runtime = createRuntimeFromClient(engine, engine.registry, { maxPayloadBytes: engine.maxPayloadBytes });
  return Object.assign(runtime, { engine, clock: engine.clock, crash: () => engine.crash() });
}

/** The adapter entry `createRuntime(config)` loads. */
export async function createBackend(config: DurableConfig, registry: Registry): Promise<EngineClient> {
  if (config.backend !== 'memory') {
    throw new TypeError(`@durable-runtime/memory cannot run backend '${config.backend}'`);
  }
  const clock = config.clock === 'virtual' ? new VirtualClock({ autoAdvance: true }) : undefined;
  return new MemoryEngine(registry, { maxPayloadBytes: config.maxPayloadBytes, ...(clock ? { clock } : {}) });
}
