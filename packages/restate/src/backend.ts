import {
  ConfigError,
  createRegistry,
  type DurableConfig,
  type Registry,
  type RegistryInput,
  type Runtime,
} from '@durable-runtime/core';
import { createRuntimeFromClient, type EngineClient } from '@durable-runtime/core/spi';
import * as restate from '@restatedev/restate-sdk';
import { AdminClient } from './admin-client.js';
import { RestateEngineClient } from './client.js';
import { endpointWarning } from './endpoint-security.js';
import { EndpointServer } from './endpoint-server.js';
import { IngressClient } from './ingress-client.js';
import { Introspection } from './introspection.js';
import { loggerAt } from './logger.js';
import {
  optionsFromConfig,
  type ResolvedRestateOptions,
  type RestateRuntimeOptions,
  resolveOptions,
} from './options.js';
import { serviceNames } from './protocol.js';
import { createServices, type RestateServices } from './services.js';

/** A Restate runtime, with the port of the endpoint it serves. */
export interface RestateRuntime extends Runtime {
  /** The port the endpoint listens on, `undefined` for a client-only runtime. */
  readonly endpointPort: number | undefined;
}

/**
 * The adapter's `BackendModule` export, loaded by core's `createRuntime` for `{ backend: 'restate' }`.
 * @throws ConfigError for another backend's configuration, or when the admin API cannot register the endpoint.
 */
export async function createBackend(config: DurableConfig, registry: Registry): Promise<EngineClient> {
  if (config.backend !== 'restate') {
    throw new ConfigError(`@durable-runtime/restate cannot run the '${config.backend}' backend`);
  }
  return (await createRestateEngine(optionsFromConfig(config), registry)).client;
}

/**
 * Creates a Restate runtime directly, with the adapter's own options (for example a client-only runtime with
 * `worker: false`). Equivalent to `createRuntime({ backend: 'restate', ... }, registry)` otherwise.
 * @example
 * const runtime = await createRestateRuntime(
 *   { ingressUrl: 'http://127.0.0.1:8080', adminUrl: 'http://127.0.0.1:9070', endpointPort: 9080 },
 *   { workflows: [order], steps: [chargeCard] },
 * );
 */
export async function createRestateRuntime(
  options: RestateRuntimeOptions,
  registry: RegistryInput,
): Promise<RestateRuntime> {
  const checked = createRegistry(registry);
  const { client, endpointPort } = await createRestateEngine(options, checked);
  const runtime = createRuntimeFromClient(client, checked, { maxPayloadBytes: options.maxPayloadBytes });
  return Object.assign(runtime, { endpointPort });
}

/**
 * Serves the endpoint (unless `worker: false`) on `endpointHost:endpointPort`, registers it with the admin API and
 * returns the client, which reaches every operation through the ingress.
 */
export async function createRestateEngine(
  input: RestateRuntimeOptions,
  registry: Registry,
): Promise<{ client: EngineClient; endpointPort: number | undefined }> {
  const options = resolveOptions(input);
  const { ingressUrl, requestTimeoutMs } = options;
  const names = serviceNames(options.servicePrefix);
  const ingress = new IngressClient(ingressUrl, names, requestTimeoutMs);
  const admin = new AdminClient(options.adminUrl, requestTimeoutMs);
  const services = createServices(registry, options, (executionId) => ingress.runExists(executionId), admin);
  let closing: Promise<void> | undefined;
  const server = options.worker ? await serve(options, services, admin, () => closing !== undefined) : undefined;
  const close = () => {
    closing ??= server ? server.close() : Promise.resolve();
    return closing;
  };
  const introspection = new Introspection(admin, names.workflow);
  const client = new RestateEngineClient({ ingress, admin, introspection, ingressUrl, requestTimeoutMs }, close);
  return { client, endpointPort: server?.port };
}

async function serve(
  options: ResolvedRestateOptions,
  services: RestateServices,
  admin: AdminClient,
  closed: () => boolean,
) {
  const endpoint = restate
    .endpoint()
    .bind(services.workflow)
    .bind(services.mailbox)
    .bind(services.step)
    .setLogger(loggerAt(options.logLevel, closed));
  if (options.identityKeys.length > 0) endpoint.withIdentityV1(...options.identityKeys);
  const warning = endpointWarning(options.endpointHost, options.identityKeys);
  if (warning) console.warn(warning);
  const server = await EndpointServer.listen(endpoint, options.endpointHost, options.endpointPort).catch(
    (error: unknown) => {
      throw new ConfigError(
        `Cannot serve the Restate endpoint on ${options.endpointHost}:${options.endpointPort} (endpointPort, RESTATE_ENDPOINT_PORT; endpointHost, RESTATE_ENDPOINT_HOST): ${(error as Error).message}`,
        { cause: error },
      );
    },
  );
  try {
    await admin.register(options.endpointUrl ?? `http://${urlHost(server.host)}:${server.port}`);
    // Invocations interrupted by a previous endpoint's end wait for their next retry: run them now. Best effort (a
    // server that just started cannot answer queries yet, and then has nothing to resume).
    await admin
      .resumeBackingOff([services.names.workflow, services.names.mailbox, services.names.step])
      .catch(() => undefined);
  } catch (error) {
    await server.close();
    throw error;
  }
  return server;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
