import {
  ConfigError,
  createRegistry,
  type DurableConfig,
  type Registry,
  type RegistryInput,
  type Runtime,
} from '@durable-runtime/core';
import { createRuntimeFromClient, type EngineClient } from '@durable-runtime/core/spi';
import { Client, Connection } from '@temporalio/client';
import { loadWorkflowBundle, resolveModulePath } from './bundle/bundle.js';
import { isGrpcNotFound, REQUEST_TIMEOUT_MS } from './calls.js';
import { createEngineClient } from './client.js';
import {
  optionsFromConfig,
  type ResolvedTemporalOptions,
  resolveOptions,
  type TemporalRuntimeOptions,
} from './options.js';
import { type RunningWorker, startWorker } from './worker.js';
import { checkWorkflowModules } from './workflow-modules.js';

/**
 * The adapter's `BackendModule` export, loaded by core's `createRuntime` for `{ backend: 'temporal' }`.
 * @throws ConfigError for another backend's configuration, missing or broken workflow modules.
 */
export async function createBackend(config: DurableConfig, registry: Registry): Promise<EngineClient> {
  if (config.backend !== 'temporal') {
    throw new ConfigError(`@durable-runtime/temporal cannot run the '${config.backend}' backend`);
  }
  return createTemporalEngine(optionsFromConfig(config), registry);
}

/**
 * Creates a Temporal runtime directly, with the adapter's own options (for example a client-only runtime with
 * `worker: false`). Equivalent to `createRuntime({ backend: 'temporal', ... }, registry)` otherwise.
 * @example
 * const runtime = await createTemporalRuntime(
 *   { address: '127.0.0.1:7233', workflowModules: [fileURLToPath(new URL('./workflows.ts', import.meta.url))] },
 *   { workflows: [order], steps: [chargeCard] },
 * );
 */
export async function createTemporalRuntime(
  options: TemporalRuntimeOptions,
  registry: RegistryInput,
): Promise<Runtime> {
  const checked = createRegistry(registry);
  return createRuntimeFromClient(await createTemporalEngine(options, checked), checked, {
    maxPayloadBytes: options.maxPayloadBytes,
  });
}

/** Connects the client and, unless `worker: false`, bundles the workflow modules and starts a worker. */
export async function createTemporalEngine(input: TemporalRuntimeOptions, registry: Registry): Promise<EngineClient> {
  const options = resolveOptions(input);
  const bundle = options.worker ? await prepareBundle(options, registry) : undefined;
  const connection = await connect(options.address);
  try {
    await checkNamespace(connection, options);
  } catch (error) {
    await connection.close();
    throw error;
  }
  let worker: RunningWorker | undefined;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      try {
        await worker?.stop();
      } finally {
        await connection.close();
      }
    })();
    return closing;
  };
  const engine = createEngineClient({
    client: new Client({ connection, namespace: options.namespace }),
    address: options.address,
    taskQueue: options.taskQueue,
    maxPayloadBytes: options.maxPayloadBytes,
    close,
  });
  if (bundle) {
    try {
      worker = await startWorker(options, registry, engine, bundle.code);
    } catch (error) {
      await connection.close();
      throw error;
    }
  }
  return engine;
}

async function prepareBundle(options: ResolvedTemporalOptions, registry: Registry) {
  const modules = requireModules(options.workflowModules).map(resolveModulePath);
  await checkWorkflowModules(modules, registry);
  return loadWorkflowBundle({
    workflowModules: modules,
    cacheDir: options.bundleCacheDir,
    conditions: options.bundleConditions,
  });
}

async function connect(address: string): Promise<Connection> {
  try {
    return await Connection.connect({ address, connectTimeout: REQUEST_TIMEOUT_MS });
  } catch (error) {
    throw new ConfigError(
      `Cannot reach the Temporal frontend at ${address} (address, TEMPORAL_ADDRESS): ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** An unknown namespace is a configuration error at start-up, not a failure of every later call. */
async function checkNamespace(connection: Connection, options: ResolvedTemporalOptions): Promise<void> {
  try {
    await connection.withDeadline(Date.now() + REQUEST_TIMEOUT_MS, () =>
      connection.workflowService.describeNamespace({ namespace: options.namespace }),
    );
  } catch (error) {
    if (!isGrpcNotFound(error)) throw error;
    throw new ConfigError(
      `The Temporal namespace '${options.namespace}' does not exist at ${options.address} (namespace, ` +
        'TEMPORAL_NAMESPACE): create it (temporal operator namespace create) or configure an existing one',
      { cause: error },
    );
  }
}

function requireModules(modules: readonly string[] | undefined): readonly string[] {
  if (modules && modules.length > 0) return modules;
  throw new ConfigError(
    'The temporal backend needs workflowModules (TEMPORAL_WORKFLOW_MODULES): the absolute paths of the modules that ' +
      "define the registered workflows, which the adapter bundles into Temporal's workflow sandbox " +
      '(or worker: false for a client-only runtime)',
  );
}
