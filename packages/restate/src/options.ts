import { DEFAULT_MAX_PAYLOAD_BYTES, type RestateConfig } from '@durable-runtime/core';

/** Log levels of the Restate SDK in this process; `silent` drops every line. */
export type RestateLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';

/**
 * How the Restate server retries an invocation attempt that failed outside a step: the endpoint was unreachable
 * (a worker restart), or a replay diverged from the journal on a server without protocol v7. When attempts run out
 * the invocation is killed (never left paused): the execution ends `failed`.
 */
export interface InvocationRetryOptions {
  /** Delay before the second attempt, in milliseconds. @default 100 */
  readonly initialIntervalMs?: number;
  /** Upper bound of the delay between attempts, in milliseconds. @default 2000 */
  readonly maxIntervalMs?: number;
  /** Attempts before the invocation is killed, the first included. @default 2000 (a bit more than an hour) */
  readonly maxAttempts?: number;
}

/** Options of {@link createRestateRuntime}: core's Restate configuration plus adapter-only settings. */
export interface RestateRuntimeOptions {
  /** The Restate ingress. @default 'http://127.0.0.1:8080' */
  readonly ingressUrl?: string;
  /** The Restate admin API. @default 'http://127.0.0.1:9070' */
  readonly adminUrl?: string;
  /**
   * Port of the endpoint this process serves on `endpointHost`; 0 picks a free port. Keep it stable in production:
   * running executions stay bound to the endpoint URL they started on. @default 9080
   */
  readonly endpointPort?: number;
  /** Interface the endpoint listens on. @default '127.0.0.1' */
  readonly endpointHost?: string;
  /**
   * Whether this process is a worker: it serves the endpoint that runs workflows and steps. `false` makes a
   * client-only runtime: it starts, observes and signals executions that other processes run, and registers nothing.
   * @default true
   */
  readonly worker?: boolean;
  /** The URL the Restate server calls the endpoint at. @default `http://<endpointHost>:<port>` */
  readonly endpointUrl?: string;
  /**
   * Public keys (`publickeyv1_...`) of the Restate servers allowed to call the endpoint: requests are then checked
   * for a valid signature. @default [] (no check: keep the endpoint on a private interface)
   */
  readonly identityKeys?: readonly string[];
  /**
   * Prefix of the two Restate services (`<prefix>Workflow`, `<prefix>Execution`): applications sharing a Restate
   * cluster use different prefixes. @default 'Durable'
   */
  readonly servicePrefix?: string;
  /** How long a finished execution's state, promises and output stay readable, in milliseconds. @default 7 days */
  readonly retentionMs?: number;
  /** Retries of invocation attempts that failed outside a step. */
  readonly invocationRetry?: InvocationRetryOptions;
  /** Log level of the Restate SDK in this process. @default 'warn' */
  readonly logLevel?: RestateLogLevel;
  /**
   * The longest a client call waits for the server or a worker, in milliseconds (`result()` excepted: it waits for
   * the end). Over it, the call fails with an `EngineConnectionError`, or is reported queued. @default 10000
   */
  readonly requestTimeoutMs?: number;
  /** The largest payload, in bytes of UTF-8 JSON. @default DEFAULT_MAX_PAYLOAD_BYTES (1 MiB) */
  readonly maxPayloadBytes?: number;
}

/** The options with their defaults applied. */
export interface ResolvedRestateOptions {
  readonly ingressUrl: string;
  readonly adminUrl: string;
  readonly endpointPort: number;
  readonly endpointHost: string;
  readonly worker: boolean;
  readonly endpointUrl: string | undefined;
  readonly identityKeys: readonly string[];
  readonly servicePrefix: string;
  readonly retentionMs: number;
  readonly invocationRetry: Required<InvocationRetryOptions>;
  readonly logLevel: RestateLogLevel;
  readonly requestTimeoutMs: number;
  readonly maxPayloadBytes: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function resolveOptions(options: RestateRuntimeOptions): ResolvedRestateOptions {
  return {
    ingressUrl: trimSlash(options.ingressUrl ?? 'http://127.0.0.1:8080'),
    adminUrl: trimSlash(options.adminUrl ?? 'http://127.0.0.1:9070'),
    endpointPort: options.endpointPort ?? 9080,
    endpointHost: options.endpointHost ?? '127.0.0.1',
    worker: options.worker ?? true,
    endpointUrl: options.endpointUrl,
    identityKeys: options.identityKeys ?? [],
    servicePrefix: options.servicePrefix ?? 'Durable',
    retentionMs: options.retentionMs ?? 7 * DAY_MS,
    invocationRetry: {
      initialIntervalMs: options.invocationRetry?.initialIntervalMs ?? 100,
      maxIntervalMs: options.invocationRetry?.maxIntervalMs ?? 2_000,
      maxAttempts: options.invocationRetry?.maxAttempts ?? 2_000,
    },
    logLevel: options.logLevel ?? 'warn',
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    maxPayloadBytes: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
  };
}

/** The options of core's parsed Restate configuration. */
export function optionsFromConfig(config: RestateConfig): RestateRuntimeOptions {
  return {
    ingressUrl: config.ingressUrl,
    adminUrl: config.adminUrl,
    endpointPort: config.endpointPort,
    endpointHost: config.endpointHost,
    identityKeys: config.identityKeys,
    worker: config.worker,
    maxPayloadBytes: config.maxPayloadBytes,
  };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
