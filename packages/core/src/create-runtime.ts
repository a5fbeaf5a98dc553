import type { z } from 'zod';
import {
  type AdapterConfig,
  adapterVariable,
  type BackendName,
  type DurableConfig,
  type DurableConfigInput,
  describeIssues,
  isAdapterBackend,
  parseConfig,
} from './config.js';
import { ConfigError } from './errors.js';
import { createRegistry, type Registry, type RegistryInput } from './registry.js';
import type { Runtime } from './runtime.js';
import { createRuntimeFromClient } from './spi/client-runtime.js';
import type { EngineClient } from './spi/engine.js';

/**
 * What an adapter package exports for `createRuntime` to load it by name: `@durable-runtime/<backend>`.
 */
export interface BackendModule {
  createBackend(config: DurableConfig | AdapterConfig, registry: Registry): Promise<EngineClient>;
  /**
   * Required of an adapter whose backend is not built into core ({@link AdapterConfig}): validates its configuration
   * (a zod schema), whose output must carry `maxPayloadBytes`.
   */
  readonly configSchema?: z.ZodType<AdapterConfig & { readonly maxPayloadBytes: number }>;
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
export async function createRuntime(
  config: DurableConfigInput | AdapterConfig,
  registry: RegistryInput,
): Promise<Runtime> {
  const backend = (config as { backend?: unknown } | undefined)?.backend;
  if (isAdapterBackend(backend)) return createAdapterRuntime(config as AdapterConfig, registry);
  const parsed = parseConfig(config);
  const checked = createRegistry(registry);
  const module = await loadBackend(parsed.backend, BACKEND_PACKAGES[parsed.backend]);
  const client = await module.createBackend(parsed, checked);
  return createRuntimeFromClient(client, checked, { maxPayloadBytes: parsed.maxPayloadBytes });
}

/** A backend outside core's list: its package `@durable-runtime/<backend>` validates the config and creates it. */
async function createAdapterRuntime(config: AdapterConfig, registry: RegistryInput): Promise<Runtime> {
  const specifier = `@durable-runtime/${config.backend}`;
  const module = await loadBackend(config.backend, specifier);
  if (!module.configSchema) {
    throw new ConfigError(
      `${specifier} exports no configSchema: it cannot be configured by name (backend '${config.backend}')`,
    );
  }
  const parsed = module.configSchema.safeParse(config);
  if (!parsed.success) {
    const name = (field: string) => `${field} (${adapterVariable(config.backend, field)})`;
    throw new ConfigError(
      `Invalid durable-runtime configuration: ${describeIssues(parsed.error, config.backend, name)}`,
    );
  }
  const checked = createRegistry(registry);
  const client = await module.createBackend(parsed.data, checked);
  return createRuntimeFromClient(client, checked, { maxPayloadBytes: parsed.data.maxPayloadBytes });
}

/** Adapters loaded so far: a process that creates runtimes again (tests, one per request) resolves each once. */
const loadedBackends = new Map<string, BackendModule>();

async function loadBackend(name: BackendName | string, specifier: string): Promise<BackendModule> {
  const cached = loadedBackends.get(name);
  if (cached) return cached;
  const loaded = (await importFromCore(specifier)) ?? (await importFromApplication(specifier));
  if (!loaded) {
    throw new ConfigError(
      `The '${name}' backend needs the package ${specifier}, which is not installed: run \`pnpm add ${specifier}\` (or npm install ${specifier})`,
    );
  }
  if (typeof loaded.createBackend !== 'function') {
    throw new ConfigError(
      `${specifier} does not export createBackend(config, registry): is it a durable-runtime adapter?`,
    );
  }
  loadedBackends.set(name, loaded as BackendModule);
  return loaded as BackendModule;
}

type Loaded = Partial<BackendModule> | undefined;

/** Works where core can see the adapter (flat node_modules). */
async function importFromCore(specifier: string): Promise<Loaded> {
  try {
    return await import(/* webpackIgnore: true */ specifier);
  } catch (error) {
    if (isMissing(error, specifier)) return undefined;
    throw error;
  }
}

/**
 * Resolves the adapter from the application (its entry script's folder, then the working directory): with strict
 * layouts such as pnpm's, only the application that installed an adapter can see it.
 */
async function importFromApplication(specifier: string): Promise<Loaded> {
  const nodeModule = 'node:module';
  const nodeUrl = 'node:url';
  // Loaded lazily: this module must stay free of Node built-ins at the top level (workflow sandboxes import core).
  const { createRequire } = (await import(/* webpackIgnore: true */ nodeModule)) as {
    createRequire(base: string): { resolve(specifier: string): string };
  };
  const { pathToFileURL } = (await import(/* webpackIgnore: true */ nodeUrl)) as {
    pathToFileURL(path: string): { href: string };
  };
  const process = (globalThis as { process?: { argv: string[]; cwd(): string } }).process;
  const bases = [process?.argv[1], `${process?.cwd()}/`].filter((base): base is string => Boolean(base));
  for (const base of bases) {
    let resolved: string;
    try {
      resolved = createRequire(base).resolve(specifier);
    } catch {
      continue;
    }
    return (await import(/* webpackIgnore: true */ pathToFileURL(resolved).href)) as Loaded;
  }
  return undefined;
}

function isMissing(error: unknown, specifier: string): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return code === 'ERR_MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${specifier}'`);
}
