/**
 * @durable-runtime/resonate: durable-runtime on Resonate's async engine (`@resonatehq/sdk/async`), in local mode (an
 * in-process store), on a Resonate server (`url`) or on PostgreSQL (`postgresUrl`, the SDK's `PostgresNetwork`).
 */
import {
  ConfigError,
  createRegistry,
  DEFAULT_MAX_PAYLOAD_BYTES,
  type DurableConfig,
  type Registry,
  type RegistryInput,
  type Runtime,
} from '@durable-runtime/core';
import { createRuntimeFromClient, type EngineClient } from '@durable-runtime/core/spi';
import { ResonateBackend } from './backend.js';
import { connect } from './connect.js';
import type { LocalStore } from './local-store.js';
import type { ResonateOptions } from './options.js';

export { RESONATE_CAPABILITIES } from './backend.js';
export { WORKFLOW_TAG } from './ids.js';
export { LocalStore, type LocalStoreBookkeeping, type LocalStoreOptions } from './local-store.js';
export type { ResonateLogLevel, ResonateOptions } from './options.js';

/** A runtime on Resonate. */
export interface ResonateRuntime extends Runtime {
  /** Local mode: the in-process store (open another runtime on it to simulate a restart); otherwise `undefined`. */
  readonly localStore: LocalStore | undefined;
}

/**
 * Creates a runtime on Resonate directly (without `createRuntime(config)`).
 * @example
 * const runtime = await createResonateRuntime({}, { workflows: [order], steps: [chargeCard] }); // local mode
 * const remote = await createResonateRuntime({ url: 'http://127.0.0.1:8001' }, { workflows: [order], steps: [chargeCard] });
 * @throws ConfigError when a server or database does not answer.
 */
export async function createResonateRuntime(
  options: ResonateOptions,
  registry: RegistryInput,
): Promise<ResonateRuntime> {
  const checked = createRegistry(registry);
  const maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  const backend = new ResonateBackend(await connect(options, checked), checked, maxPayloadBytes);
  return Object.assign(createRuntimeFromClient(backend, checked, { maxPayloadBytes }), {
    localStore: backend.localStore,
  });
}

/** The adapter entry `createRuntime(config)` loads. */
export async function createBackend(config: DurableConfig, registry: Registry): Promise<EngineClient> {
  if (config.backend !== 'resonate') {
    throw new ConfigError(`@durable-runtime/resonate cannot run backend '${config.backend}'`);
  }
  const options: ResonateOptions = {
    url: config.url,
    postgresUrl: config.postgresUrl,
    group: config.group,
    worker: (config as { worker?: boolean }).worker ?? true,
  };
  return new ResonateBackend(await connect(options, registry), registry, config.maxPayloadBytes);
}
