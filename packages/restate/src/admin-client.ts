import { ConfigError } from '@durable-runtime/core';

/** The few calls of Restate's admin API the adapter makes. */
export class AdminClient {
  constructor(private readonly adminUrl: string) {}

  /**
   * Registers (or updates) the deployment at `uri`. `force` replaces an earlier registration of the same URI, which
   * would otherwise keep its old handler list.
   * @throws ConfigError when the admin API is unreachable or refuses the endpoint.
   */
  async register(uri: string): Promise<void> {
    let response: Response;
    try {
      response = await fetch(`${this.adminUrl}/deployments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ uri, force: true }),
      });
    } catch (error) {
      throw new ConfigError(`Cannot reach the Restate admin API at ${this.adminUrl} (adminUrl, RESTATE_ADMIN_URL)`, {
        cause: error,
      });
    }
    if (!response.ok) {
      throw new ConfigError(
        `The Restate admin API at ${this.adminUrl} refused to register the endpoint ${uri}: ${response.status} ${await response.text()}`,
      );
    }
    await response.body?.cancel();
  }

  /** Cancels an invocation: `completed` when it had already ended, `unknown` when the server does not know it. */
  async cancel(invocationId: string): Promise<'cancelled' | 'completed' | 'unknown'> {
    const response = await fetch(`${this.adminUrl}/invocations/${encodeURIComponent(invocationId)}/cancel`, {
      method: 'PATCH',
    });
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
    const list = services.map((service) => `'${service.replaceAll("'", "''")}'`).join(', ');
    const rows = await this.query<{ id: string }>(
      `SELECT id FROM sys_invocation WHERE status = 'backing-off' AND target_service_name IN (${list})`,
    );
    await Promise.all(
      rows.map(async ({ id }) => {
        const response = await fetch(`${this.adminUrl}/invocations/${encodeURIComponent(id)}/resume`, {
          method: 'PATCH',
        });
        await response.body?.cancel();
      }),
    );
  }

  async query<T>(sql: string): Promise<T[]> {
    const response = await fetch(`${this.adminUrl}/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: sql }),
    });
    const body = await response.text();
    if (!response.ok) throw new Error(`Restate admin query failed: ${response.status} ${body}`);
    return (JSON.parse(body) as { rows: T[] }).rows;
  }
}
