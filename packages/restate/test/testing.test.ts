import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { findRestateServer, SERVER_PACKAGE, startRestateServer } from '@durable-runtime/restate/testing';
import { describe, expect, test } from 'vitest';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function accepts(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

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
    expect(isAlive(firstPid)).toBe(false);
    expect(existsSync(server.dataDir)).toBe(true);
    expect((await fetch(`${server.adminUrl}/health`)).status).toBe(200);

    const pid = server.pid;
    await server.stop();
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(server.dataDir)).toBe(false);
    expect(await accepts(server.adminUrl)).toBe(false);
    expect(await accepts(server.ingressUrl)).toBe(false);
    await server.stop(); // idempotent
    await expect(server.restart()).rejects.toThrow(/stopped/);
  });
});
