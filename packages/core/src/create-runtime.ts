import { type BackendName, type DurableConfig, type DurableConfigInput, parseConfig } from './config.js';
import { ConfigError } from './errors.js';
import { createRegistry, type Registry, type RegistryInput } from './registry.js';
import type { Runtime } from './runtime.js';
import { createRuntimeFromClient } from './spi/client-runtime.js';
import type { EngineClient } from './spi/engine.js';

/**
 * What an adapter package exports for `createRuntime` to load it by name: `@durable-runtime/<backend>`.
 */
export interface BackendModule {
  createBackend(config: DurableConfig, registry: Registry): Promise<EngineClient>;
}

/** The package that implements each backend. */
export const BACKEND_PACKAGES: { readonly [B in BackendName]: string } = {
  memory: '@durable-runtime/memory',
  temporal: '@durable-runtime/temporal',
  restate: '@durable-runtime/restate',
  resonate: '@durable-runtime/resonate',
};

/**
 * Creates the runtime of the configured backend. The adapter package is loaded on demand, so an application installs
 * only the adapters it uses.
 * @throws ConfigError for a wrong setting (naming the field) or a missing adapter package (naming what to install).
 * @example
 * const runtime = await createRuntime(loadConfig(process.env, { defaultBackend: 'memory' }), {
 *   workflows: [order],
 *   steps: [chargeCard],
 * });
 */
export async function createRuntime(config: DurableConfigInput, registry: RegistryInput): Promise<Runtime> {
  const parsed = parseConfig(config);
  const checked = createRegistry(registry);
  const backend = await loadBackend(parsed.backend);
  const client = await backend.createBackend(parsed, checked);
  return createRuntimeFromClient(client, checked);
}

async function loadBackend(name: BackendName): Promise<BackendModule> {
  const specifier = BACKEND_PACKAGES[name];
  let loaded: Partial<BackendModule>;
  try {
    loaded = await import(/* webpackIgnore: true */ specifier);
  } catch (error) {
    if (isMissing(error, specifier)) {
      throw new ConfigError(
        `The '${name}' backend needs the package ${specifier}, which is not installed: run \`pnpm add ${specifier}\` (or npm install ${specifier})`,
      );
    }
    throw error;
  }
  if (typeof loaded.createBackend !== 'function') {
    throw new ConfigError(
      `${specifier} does not export createBackend(config, registry): is it a durable-runtime adapter?`,
    );
  }
  return loaded as BackendModule;
}

function isMissing(error: unknown, specifier: string): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return code === 'ERR_MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${specifier}'`);
}
