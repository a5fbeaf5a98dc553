import { z } from 'zod';
import { ConfigError } from './errors.js';
import { DEFAULT_MAX_PAYLOAD_BYTES } from './payload.js';

const url = (what: string) => z.url({ protocol: /^https?$/, message: `${what} must be an http(s) URL` });

/** `false`: a client-only runtime that starts and observes executions while workers run elsewhere. */
const worker = z.union([z.boolean(), z.stringbool()], { message: 'worker must be true or false' }).default(true);

/** The largest payload in bytes of UTF-8 JSON (input, output, step result, promise value, state value, message). */
const maxPayloadBytes = z.coerce
  .number({ message: 'maxPayloadBytes must be a whole number of bytes' })
  .int({ message: 'maxPayloadBytes must be a whole number of bytes' })
  .min(1, { message: 'maxPayloadBytes must be at least 1' })
  .default(DEFAULT_MAX_PAYLOAD_BYTES);

/** Local mode: the in-process memory engine. */
export const MemoryConfigSchema = z.object({
  backend: z.literal('memory'),
  /** `virtual` time jumps to the next timer when nothing else is running: sleeps of days finish at once. */
  clock: z.enum(['real', 'virtual']).default('real'),
  maxPayloadBytes,
});

/** A Temporal cluster reached over gRPC; the runtime also runs a worker on `taskQueue`. */
export const TemporalConfigSchema = z.object({
  backend: z.literal('temporal'),
  address: z.string().min(1).default('127.0.0.1:7233'),
  namespace: z.string().min(1).default('default'),
  taskQueue: z.string().min(1).default('durable-runtime'),
  /** Modules (absolute paths) that define the registered workflows: bundled into Temporal's workflow sandbox. */
  workflowModules: z.array(z.string().min(1)).optional(),
  worker,
  maxPayloadBytes,
});

/** A Restate server: the runtime serves an endpoint, registers it with the admin API and drives the ingress. */
export const RestateConfigSchema = z.object({
  backend: z.literal('restate'),
  ingressUrl: url('ingressUrl').default('http://127.0.0.1:8080'),
  adminUrl: url('adminUrl').default('http://127.0.0.1:9070'),
  /** Port of the endpoint this process serves (on `endpointHost`). 0 picks a free port. */
  endpointPort: z.coerce
    .number({ message: 'endpointPort must be a port number (0-65535)' })
    .int({ message: 'endpointPort must be a port number (0-65535)' })
    .min(0, { message: 'endpointPort must be a port number (0-65535)' })
    .max(65535, { message: 'endpointPort must be a port number (0-65535)' })
    .default(9080),
  endpointHost: z.string().min(1).default('127.0.0.1'),
  /**
   * Request identity public keys (`publickeyv1_...`): the endpoint then runs only invocations signed by a Restate
   * server holding one of the matching private keys. Needed whenever the endpoint is reachable beyond loopback.
   */
  identityKeys: z
    .array(z.string().startsWith('publickeyv1_', { message: 'identity keys start with publickeyv1_' }))
    .default([]),
  worker,
  maxPayloadBytes,
});

/** Resonate: in-process local mode (no `url`, no `postgresUrl`), a Resonate server by `url`, or PostgreSQL. */
export const ResonateConfigSchema = z
  .object({
    backend: z.literal('resonate'),
    url: url('url').optional(),
    postgresUrl: z.string().startsWith('postgres', { message: 'postgresUrl must be a postgres:// URL' }).optional(),
    group: z.string().min(1).default('durable-runtime'),
    worker,
    maxPayloadBytes,
  })
  .refine((config) => !(config.url && config.postgresUrl), {
    message: 'set url (a Resonate server) or postgresUrl (PostgreSQL), not both',
    path: ['url'],
  });

/** The configuration of `createRuntime`: one variant per backend. */
export const DurableConfigSchema = z.discriminatedUnion('backend', [
  MemoryConfigSchema,
  TemporalConfigSchema,
  RestateConfigSchema,
  ResonateConfigSchema,
]);

export type DurableConfig = z.output<typeof DurableConfigSchema>;
/** A configuration as written by hand: fields with defaults may be left out. */
export type DurableConfigInput = z.input<typeof DurableConfigSchema>;
export type BackendName = DurableConfig['backend'];
export type MemoryConfig = z.output<typeof MemoryConfigSchema>;
export type TemporalConfig = z.output<typeof TemporalConfigSchema>;
export type RestateConfig = z.output<typeof RestateConfigSchema>;
export type ResonateConfig = z.output<typeof ResonateConfigSchema>;

export const BACKENDS: readonly BackendName[] = ['memory', 'temporal', 'restate', 'resonate'];

/**
 * The configuration of a backend that an adapter package outside {@link BACKENDS} provides (`DURABLE_BACKEND=sqlite`
 * loads `@durable-runtime/sqlite`): `createRuntime` validates it with the `configSchema` the package exports, so a new
 * adapter needs no release of core. From the environment, its field `leaseMs` is `DURABLE_SQLITE_LEASE_MS` (see
 * {@link adapterVariable}); `worker` and `maxPayloadBytes` are `DURABLE_WORKER` and `DURABLE_MAX_PAYLOAD_BYTES`.
 */
export interface AdapterConfig {
  readonly backend: string;
  readonly [field: string]: unknown;
}

export function isBuiltInBackend(name: unknown): name is BackendName {
  return BACKENDS.includes(name as BackendName);
}

/** An adapter's name: what follows `@durable-runtime/`. */
const ADAPTER_NAME = /^[a-z][a-z0-9-]*$/;

const SHARED_VARIABLES: Readonly<Record<string, string>> = {
  worker: 'DURABLE_WORKER',
  maxPayloadBytes: 'DURABLE_MAX_PAYLOAD_BYTES',
};

/** The environment variable of an adapter backend's field: `adapterVariable('sqlite', 'leaseMs')` is `DURABLE_SQLITE_LEASE_MS`. */
export function adapterVariable(backend: string, field: string): string {
  return SHARED_VARIABLES[field] ?? `${adapterPrefix(backend)}${field.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

function adapterPrefix(backend: string): string {
  return `DURABLE_${backend.toUpperCase().replaceAll('-', '_')}_`;
}

/** An adapter backend's fields from the environment, by {@link adapterVariable}'s convention (unvalidated strings). */
function adapterConfigFromEnv(backend: string, env: Readonly<Record<string, string | undefined>>): AdapterConfig {
  const raw: Record<string, unknown> = { backend };
  const prefix = adapterPrefix(backend);
  for (const [variable, value] of Object.entries(env)) {
    const trimmed = value?.trim();
    if (!trimmed || !variable.startsWith(prefix)) continue;
    const field = variable
      .slice(prefix.length)
      .toLowerCase()
      .replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
    raw[field] = trimmed;
  }
  for (const [field, variable] of Object.entries(SHARED_VARIABLES)) {
    const value = env[variable]?.trim();
    if (value) raw[field] = value;
  }
  return raw as AdapterConfig;
}

/** A name one or two edits away from a built-in backend is a typo, not an adapter. */
function builtInNearMiss(name: string): BackendName | undefined {
  return BACKENDS.find((builtIn) => name.length >= 3 && editDistance(name, builtIn) <= 2);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** Whether `name` can be an adapter package's backend: well formed, and no typo of a built-in one. */
export function isAdapterBackend(name: unknown): name is string {
  return typeof name === 'string' && !isBuiltInBackend(name) && ADAPTER_NAME.test(name) && !builtInNearMiss(name);
}

/** Environment variable of each configuration field, per backend. */
export const CONFIG_ENV: { readonly [B in BackendName]: Readonly<Record<string, string>> } = {
  memory: { clock: 'DURABLE_MEMORY_CLOCK', maxPayloadBytes: 'DURABLE_MAX_PAYLOAD_BYTES' },
  temporal: {
    address: 'TEMPORAL_ADDRESS',
    namespace: 'TEMPORAL_NAMESPACE',
    taskQueue: 'TEMPORAL_TASK_QUEUE',
    workflowModules: 'TEMPORAL_WORKFLOW_MODULES',
    worker: 'DURABLE_WORKER',
    maxPayloadBytes: 'DURABLE_MAX_PAYLOAD_BYTES',
  },
  restate: {
    ingressUrl: 'RESTATE_INGRESS_URL',
    adminUrl: 'RESTATE_ADMIN_URL',
    endpointPort: 'RESTATE_ENDPOINT_PORT',
    endpointHost: 'RESTATE_ENDPOINT_HOST',
    identityKeys: 'RESTATE_IDENTITY_KEYS',
    worker: 'DURABLE_WORKER',
    maxPayloadBytes: 'DURABLE_MAX_PAYLOAD_BYTES',
  },
  resonate: {
    url: 'RESONATE_URL',
    postgresUrl: 'RESONATE_POSTGRES_URL',
    group: 'RESONATE_GROUP',
    worker: 'DURABLE_WORKER',
    maxPayloadBytes: 'DURABLE_MAX_PAYLOAD_BYTES',
  },
};

const LIST_FIELDS = new Set(['workflowModules', 'identityKeys']);

/** Validates a configuration object. @throws ConfigError naming each wrong field. */
export function parseConfig(config: unknown): DurableConfig {
  const parsed = DurableConfigSchema.safeParse(config);
  if (parsed.success) return parsed.data;
  const backend = (config as { backend?: unknown } | undefined)?.backend;
  throw new ConfigError(`Invalid durable-runtime configuration: ${describeIssues(parsed.error, backend, (f) => f)}`);
}

export interface LoadConfigOptions {
  /** The backend when `DURABLE_BACKEND` is unset. Without it, an unset `DURABLE_BACKEND` is an error. */
  readonly defaultBackend?: BackendName;
}

/**
 * Reads the configuration from environment variables: `DURABLE_BACKEND` picks the backend and each backend's
 * fields come from the variables in {@link CONFIG_ENV} (`TEMPORAL_ADDRESS`, `RESTATE_INGRESS_URL`, ...).
 * @throws ConfigError naming the variable that is missing or wrong.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  options: LoadConfigOptions = {},
): DurableConfig | AdapterConfig {
  const backend = env.DURABLE_BACKEND?.trim() || options.defaultBackend;
  if (!backend) {
    throw new ConfigError(`DURABLE_BACKEND is not set: use one of ${BACKENDS.join(', ')} (or an adapter's name)`);
  }
  if (isAdapterBackend(backend)) return adapterConfigFromEnv(backend, env);
  if (!BACKENDS.includes(backend as BackendName)) {
    const typo = builtInNearMiss(backend);
    throw new ConfigError(
      `DURABLE_BACKEND=${JSON.stringify(backend)} is not a backend: use one of ${BACKENDS.join(', ')}` +
        (typo ? ` (did you mean ${typo}?)` : ' (or the name of an installed adapter, such as sqlite)'),
    );
  }
  const fields = CONFIG_ENV[backend as BackendName];
  const raw: Record<string, unknown> = { backend };
  for (const [field, variable] of Object.entries(fields)) {
    const value = env[variable]?.trim();
    if (value) raw[field] = LIST_FIELDS.has(field) ? value.split(',').map((item) => item.trim()) : value;
  }
  const parsed = DurableConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const toVariable = (field: string) => fields[field] ?? field;
  throw new ConfigError(
    `Invalid environment for DURABLE_BACKEND=${backend}: ${describeIssues(parsed.error, backend, toVariable)}`,
  );
}

export function describeIssues(error: z.ZodError, backend: unknown, name: (field: string) => string): string {
  return error.issues
    .map((issue) => {
      const [top, ...inner] = issue.path.map(String);
      if (top === 'backend') {
        return `backend ${JSON.stringify(backend)} is not one of ${BACKENDS.join(', ')}`;
      }
      // A list item (`identityKeys.1`) is named by its field's variable and its position.
      const where = top ? `${name(top)}${inner.length > 0 ? ` (item ${inner.join('.')})` : ''}` : '(config)';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}
