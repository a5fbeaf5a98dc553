import { createServer, type Server } from 'node:net';

/**
 * Picks `count` free TCP ports on 127.0.0.1, all distinct: each is bound (port 0) while the others are, then all are
 * released. Another process may still take a port before the caller binds it, which is rare enough for tests.
 * @param count How many ports.
 * @returns The ports, in no particular order.
 * @example
 * const [ingress, admin] = (await freePorts(2)) as [number, number];
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
