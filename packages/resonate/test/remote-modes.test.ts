import { createServer, type Server } from 'node:http';
import { ConfigError, createRuntime, defineWorkflow } from '@durable-runtime/core';
import { freePorts } from '@durable-runtime/dev-server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createResonateRuntime, LocalStore } from '../src/index.js';
import { findResonateServer, type PostgresServer, startPostgres } from '../src/testing/index.js';

// Neither the Resonate server nor the resonate-pg schema is available from a package registry on this machine, so
// these tests check what can be checked honestly: the server and PostgreSQL modes construct the SDK's networks,
// probe the store with a protocol request and fail with a ConfigError that names the server or database.

const hello = defineWorkflow({ name: 'hello', run: async () => 'hi' });
const registry = { workflows: [hello] };

async function configError(work: Promise<unknown>): Promise<ConfigError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(ConfigError.is(error), String(error)).toBe(true);
  return error as ConfigError;
}

describe('server mode (url)', () => {
  test('a URL where nothing listens fails with a ConfigError naming the server', async () => {
    const [port] = await freePorts(1);
    const url = `http://127.0.0.1:${port}`;
    const error = await configError(
      createResonateRuntime({ url, connectTimeoutMs: 5_000, logLevel: 'error' }, registry),
    );
    expect(error.message).toContain(`Cannot use the Resonate server at ${url}`);
    expect(error.message).toContain('fetch failed');
  });

  test('an HTTP server that does not speak the Resonate protocol is refused', async () => {
    const server: Server = createServer((_request, response) => response.end('<html>not resonate</html>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const error = await configError(
        createResonateRuntime({ url, connectTimeoutMs: 5_000, logLevel: 'error' }, registry),
      );
      expect(error.message).toContain(`Cannot use the Resonate server at ${url}`);
      expect(error.message).toContain('failed to parse response JSON');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('createRuntime(config) takes the same path', async () => {
    const [port] = await freePorts(1);
    const error = await configError(createRuntime({ backend: 'resonate', url: `http://127.0.0.1:${port}` }, registry));
    expect(error.message).toContain('Cannot use the Resonate server');
  });

  test('the testing entry names where it looked when the server binary is missing', () => {
    expect(() => findResonateServer('/nonexistent/resonate')).toThrow(
      /Resonate server binary was not found.*RESONATE_BIN/,
    );
  });
});

describe('PostgreSQL mode (postgresUrl)', () => {
  let postgres: PostgresServer;
  beforeAll(async () => {
    postgres = await startPostgres();
  });
  afterAll(async () => {
    await postgres?.stop();
  });

  test('a database without the resonate-pg schema fails with a ConfigError naming the schema', async () => {
    const error = await configError(
      createResonateRuntime({ postgresUrl: postgres.url, connectTimeoutMs: 5_000, logLevel: 'error' }, registry),
    );
    expect(error.message).toContain('Cannot use PostgreSQL at postgres://postgres@127.0.0.1');
    expect(error.message).toMatch(/resonate/);
    expect(error.message).toContain('resonate-pg schema');
    expect(postgres.versionNum).toBeGreaterThan(100_000);
  });

  test('a port where no database listens fails with a ConfigError', async () => {
    const [port] = await freePorts(1);
    const error = await configError(
      createResonateRuntime(
        { postgresUrl: `postgres://user:secret@127.0.0.1:${port}/db`, connectTimeoutMs: 5_000, logLevel: 'error' },
        registry,
      ),
    );
    expect(error.message).toContain(`PostgreSQL at postgres://user:***@127.0.0.1:${port}/db`);
    expect(error.message).not.toContain('secret');
    expect(error.message).toContain('ECONNREFUSED');
  });
});

describe('options', () => {
  test('url and postgresUrl together are refused', async () => {
    await configError(
      createResonateRuntime({ url: 'http://127.0.0.1:1', postgresUrl: 'postgres://x@127.0.0.1/y' }, registry),
    );
  });

  test('a local store cannot be combined with a remote mode', async () => {
    await configError(createResonateRuntime({ url: 'http://127.0.0.1:1', localStore: new LocalStore() }, registry));
  });
});
