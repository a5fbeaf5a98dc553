import type { LocalStore } from './local-store.js';

/** How the SDK logs. */
export type ResonateLogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Options of the Resonate backend. Without `url` and `postgresUrl` it runs in local mode: an in-process Resonate
 * store (the SDK's `LocalNetwork`), whose timers tick once a second and whose state lives as long as the process.
 */
export interface ResonateOptions {
  /** A Resonate server (HTTP, messages over SSE at `<url>/poll/<group>/<pid>`), e.g. `http://127.0.0.1:8001`. */
  readonly url?: string | undefined;
  /**
   * A PostgreSQL database that holds the resonate-pg schema (`@resonatehq/sdk/postgres`; needs the `pg` package).
   * @example 'postgres://resonate:secret@127.0.0.1:5432/resonate'
   */
  readonly postgresUrl?: string | undefined;
  /** The worker group: workers of one group share the executions of its workflows. @default 'durable-runtime' */
  readonly group?: string | undefined;
  /**
   * Local mode only: the in-process store to work on. Two runtimes on one store see the same executions (a new
   * runtime on the store of a closed one resumes its executions: a simulated restart). The store's `bookkeeping`
   * decides whether the adapter takes local shortcuts on it or works on it as on a server. @default a new store
   */
  readonly localStore?: LocalStore | undefined;
  /**
   * `false`: a client-only runtime, which starts and observes executions while workers (runtimes with `worker`
   * true, on the same store or server and group) run them. It registers no workflow and takes no task. @default true
   */
  readonly worker?: boolean | undefined;
  /** How long the start-up check of a server or database may take, in milliseconds. @default 10000 */
  readonly connectTimeoutMs?: number | undefined;
  /**
   * The largest payload (input, output, step result, promise value, state value, message) in bytes of JSON.
   * @default DEFAULT_MAX_PAYLOAD_BYTES (1 MiB)
   */
  readonly maxPayloadBytes?: number | undefined;
  /** The SDK's log level. @default 'warn' */
  readonly logLevel?: ResonateLogLevel | undefined;
}

export const DEFAULT_GROUP = 'durable-runtime';
