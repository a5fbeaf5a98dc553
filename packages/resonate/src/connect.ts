import { ConfigError, type Registry } from '@durable-runtime/core';
import { HttpNetwork, PollMessageSource } from '@resonatehq/sdk';
import { Resonate } from '@resonatehq/sdk/async';
import { LocalStore } from './local-store.js';
import { DEFAULT_GROUP, type ResonateOptions } from './options.js';
import { clientOnly, type ResonateNetwork } from './resonate-network.js';
import { rememberTargets } from './target-cache.js';
import { UnknownWorkflows } from './unknown-workflows.js';

/** A Resonate instance (the SDK's worker and client) in one of the three modes. */
export interface Connection {
  readonly resonate: Resonate;
  readonly group: string;
  readonly mode: 'local' | 'server' | 'postgres';
  /** Local mode: the in-process store. */
  readonly localStore: LocalStore | undefined;
  /**
   * The in-process store when the adapter takes local mode's shortcuts on it (its index, its settlement notices, its
   * bookkeeping in memory); `undefined` on a server, on PostgreSQL, and on a store whose bookkeeping is `'server'`.
   */
  readonly inProcess: LocalStore | undefined;
  /** Whether this instance runs workflows (false: a client-only runtime). */
  readonly worker: boolean;
  /** Fails the executions of workflows this worker does not know. */
  readonly unknownWorkflows: UnknownWorkflows;
}

/**
 * Creates the SDK's `Resonate` (async engine) for the options: local mode, a server by URL, or PostgreSQL. For a
 * server or a database, checks that it answers a protocol request before returning.
 * @throws ConfigError for contradicting options, or naming the server or database that does not answer.
 */
export async function connect(options: ResonateOptions, registry: Registry): Promise<Connection> {
  if (options.url && options.postgresUrl) {
    throw new ConfigError('Resonate: set url (a Resonate server) or postgresUrl (PostgreSQL), not both');
  }
  if (options.localStore && (options.url || options.postgresUrl)) {
    throw new ConfigError('Resonate: localStore is for local mode; it cannot be combined with url or postgresUrl');
  }
  const group = options.group ?? DEFAULT_GROUP;
  const pid = crypto.randomUUID().replace(/-/g, '');
  const logLevel = options.logLevel ?? 'warn';
  const worker = options.worker ?? true;
  // A client polls in a group of its own, so that the server never hands it the workers' tasks.
  const pollGroup = worker ? group : `${group}-clients`;
  const unknownWorkflows = new UnknownWorkflows(registry);
  const forRole = (network: ResonateNetwork) => (worker ? unknownWorkflows.guard(network) : clientOnly(network));
  const resonateOn = (network: ResonateNetwork, sdkGroup: string) => {
    const resonate = new Resonate({ network, group: sdkGroup, pid, logLevel });
    rememberTargets(resonate);
    return resonate;
  };
  if (!options.url && !options.postgresUrl) {
    const localStore = options.localStore ?? new LocalStore();
    if (localStore.bookkeeping === 'server') {
      // As on a server: the unknown-workflow guard and the client filter wrap the store's network.
      const resonate = resonateOn(forRole(localStore.attach({ worker })), group);
      return { resonate, group, mode: 'local', localStore, inProcess: undefined, worker, unknownWorkflows };
    }
    const acquired = worker ? unknownWorkflows.acquired.bind(unknownWorkflows) : undefined;
    const resonate = resonateOn(localStore.attach({ worker, acquired }), group);
    return { resonate, group, mode: 'local', localStore, inProcess: localStore, worker, unknownWorkflows };
  }
  const mode = options.url ? 'server' : 'postgres';
  const network = options.url
    ? httpNetwork(options.url, pollGroup, pid)
    : await postgresNetwork(options.postgresUrl ?? '', pollGroup, pid);
  const resonate = resonateOn(forRole(network), pollGroup);
  const where = options.url
    ? `the Resonate server at ${options.url}`
    : `PostgreSQL at ${redact(options.postgresUrl ?? '')} as a Resonate store`;
  try {
    await probe(resonate, options.connectTimeoutMs ?? 10_000);
  } catch (error) {
    await resonate.stop().catch(() => undefined);
    const hint = options.url
      ? 'Start one (e.g. `resonate dev --server-port 8001`), or leave url unset for local mode.'
      : 'The database needs the resonate-pg schema (resonate.sql from github.com/resonatehq/resonate-pg, PostgreSQL 16+).';
    throw new ConfigError(`Cannot use ${where}: ${(error as Error).message}. ${hint}`, { cause: error });
  }
  return { resonate, group, mode, localStore: undefined, inProcess: undefined, worker, unknownWorkflows };
}

function httpNetwork(url: string, group: string, pid: string): ResonateNetwork {
  const base = url.replace(/\/+$/, '');
  const adapter = new PollMessageSource({
    url: `${base}/poll/${encodeURIComponent(group)}/${encodeURIComponent(pid)}`,
  });
  return new HttpNetwork({ url: base, adapter });
}

async function postgresNetwork(connectionString: string, group: string, pid: string): Promise<ResonateNetwork> {
  const { PostgresNetwork } = await import('@resonatehq/sdk/postgres');
  return new PostgresNetwork({ connectionString, group, pid });
}

/** One protocol request (a read of a promise that does not exist): succeeds when the store answers. */
async function probe(resonate: Resonate, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([
      resonate.promises.get(`durable-runtime-probe-${crypto.randomUUID()}`).catch(notFoundIsFine),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function notFoundIsFine(error: unknown): void {
  if ((error as { serverError?: { code?: number } }).serverError?.code === 404) return;
  throw error;
}

/** A connection string without its password, for messages. */
function redact(connectionString: string): string {
  return connectionString.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
}
