import { ConfigError } from '@durable-runtime/core';
import { adminAddress, type EngineAddress, reaching } from './connection.js';

/**
 * The few calls of Restate's admin API the adapter makes. None needs a worker: the admin API answers from the
 * server's own storage. Each request gives up after `requestTimeoutMs`; an unreachable server or a request without
 * an answer is an `EngineConnectionError` naming `adminUrl`.
 */
export class AdminClient {
  readonly #address: EngineAddress;

  constructor(
    private readonly adminUrl: string,
    private readonly requestTimeoutMs: number,
  ) {
    this.#address = adminAddress(adminUrl);
  }

  /**
   * Registers (or updates) the deployment at `uri`. `force` replaces an earlier registration of the same URI, which
   * would otherwise keep its old handler list.
   * @throws EngineConnectionError when the admin API is unreachable; ConfigError when it refuses the endpoint.
   */
  async register(uri: string): Promise<void> {
    const response = await this.#fetch('/deployments', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uri, force: true }),
    });
    if (!response.ok) {
      throw new ConfigError(
        `The Restate admin API at ${this.adminUrl} refused to register the endpoint ${uri} (endpointPort, RESTATE_ENDPOINT_PORT; endpointHost, RESTATE_ENDPOINT_HOST): ${response.status} ${await response.text()}`,
      );
    }
    await response.body?.cancel();
  }

  /** Cancels an invocation: `completed` when it had already ended, `unknown` when the server does not know it. */
  async cancel(invocationId: string): Promise<'cancelled' | 'completed' | 'unknown'> {
    const response = await this.#fetch(`/invocations/${encodeURIComponent(invocationId)}/cancel`, { method: 'PATCH' });
    const body = await response.text();
    if (response.ok) return 'cancelled';
    if (response.status === 409) return 'completed';
    if (response.status === 404) return 'unknown';
    throw new Error(`Restate refused to cancel invocation ${invocationId}: ${response.status} ${body}`);
  }

  /**
   * Retries now the invocations of `services` that are backing off (typically after their endpoint went away), instead
   * of waiting for the end of their backoff delay.
   */
  async resumeBackingOff(services: readonly string[]): Promise<void> {
    const list = services.map(sqlString).join(', ');
    const rows = await this.query<{ id: string }>(
      `SELECT id FROM sys_invocation WHERE status = 'backing-off' AND target_service_name IN (${list})`,
    );
    await Promise.all(
      rows.map(async ({ id }) => {
        const response = await this.#fetch(`/invocations/${encodeURIComponent(id)}/resume`, { method: 'PATCH' });
        await response.body?.cancel();
      }),
    );
  }

  /** Runs a query of Restate's SQL introspection (`sys_invocation`, `state`, ...). */
  async query<T>(sql: string): Promise<T[]> {
    const response = await this.#fetch('/query', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: sql }),
    });
    const body = await response.text();
    if (!response.ok) throw new Error(`Restate admin query failed: ${response.status} ${body}`);
    return (JSON.parse(body) as { rows: T[] }).rows;
  }

  #fetch(path: string, init: RequestInit): Promise<Response> {
    const signal = AbortSignal.timeout(this.requestTimeoutMs);
    return reaching(this.#address, () => fetch(`${this.adminUrl}${path}`, { ...init, signal }));
  }
}

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
