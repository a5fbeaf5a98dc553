import { createServer, type Http2Server, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { RestateEndpoint } from '@restatedev/restate-sdk';

/**
 * The HTTP/2 server of a Restate endpoint, bound to one interface (`endpoint.listen()` would bind all of them and
 * cannot be closed). `close()` also drops the open sessions, so that the Restate server retries the invocations
 * they carried on the next endpoint, as after a crash.
 */
export class EndpointServer {
  readonly #sessions = new Set<ServerHttp2Session>();

  private constructor(
    private readonly server: Http2Server,
    readonly host: string,
    readonly port: number,
  ) {
    server.on('session', (session) => {
      this.#sessions.add(session);
      session.once('close', () => this.#sessions.delete(session));
    });
  }

  static async listen(endpoint: RestateEndpoint, host: string, port: number): Promise<EndpointServer> {
    const server = createServer(endpoint.http2Handler());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new EndpointServer(server, host, (server.address() as AddressInfo).port);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const session of this.#sessions) session.destroy();
    await closed;
  }
}
