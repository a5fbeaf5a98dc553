import { existsSync } from 'node:fs';
import { acceptsConnections, isProcessAlive } from '@durable-runtime/dev-server';
import { findRestateServer, SERVER_PACKAGE, startRestateServer } from '@durable-runtime/restate/testing';
import { describe, expect, test } from 'vitest';

describe('@durable-runtime/restate/testing', () => {
  test('a missing binary is a loud error that names the npm package', async () => {
    const binary = '/nonexistent/restate-server';
    expect(() => findRestateServer(binary)).toThrow(SERVER_PACKAGE);
    await expect(startRestateServer({ binary })).rejects.toThrow(/pnpm install/);
  });

  test('the binary of the npm package is found', () => {
    expect(existsSync(findRestateServer())).toBe(true);
  });

  test('starts a server on 127.0.0.1 (admin and ingress healthy); restart keeps the data; stop() ends it and removes it', async () => {
    const server = await startRestateServer();
    expect(server.ingressUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${server.adminUrl}/health`)).status).toBe(200);
    expect((await fetch(`${server.ingressUrl}/restate/health`)).status).toBe(200);
    const version = (await (await fetch(`${server.adminUrl}/version`)).json()) as { version: string };
    expect(version.version).toMatch(/^1\.7\./);
    expect(existsSync(server.dataDir)).toBe(true);

    const firstPid = server.pid;
    await server.restart();
    expect(server.pid).not.toBe(firstPid);
    expect(isProcessAlive(firstPid)).toBe(false);
    expect(existsSync(server.dataDir)).toBe(true);
    expect((await fetch(`${server.adminUrl}/health`)).status).toBe(200);

    const pid = server.pid;
    await server.stop();
    expect(isProcessAlive(pid)).toBe(false);
    expect(existsSync(server.dataDir)).toBe(false);
    expect(await acceptsConnections('127.0.0.1', Number(new URL(server.adminUrl).port))).toBe(false);
    expect(await acceptsConnections('127.0.0.1', Number(new URL(server.ingressUrl).port))).toBe(false);
    await server.stop(); // idempotent
    await expect(server.restart()).rejects.toThrow(/stopped/);
  });
});
