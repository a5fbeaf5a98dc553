import { existsSync } from 'node:fs';
import { acceptsConnections, isProcessAlive } from '@durable-runtime/dev-server';
import { findTemporalCli, PROVISION_SCRIPT, startTemporalDevServer } from '@durable-runtime/temporal/testing';
import { Connection } from '@temporalio/client';
import { describe, expect, test } from 'vitest';

describe('@durable-runtime/temporal/testing', () => {
  test('a missing CLI is a loud error that names the provisioning script', async () => {
    const binary = '/nonexistent/temporal';
    expect(() => findTemporalCli(binary)).toThrow(PROVISION_SCRIPT);
    await expect(startTemporalDevServer({ binary })).rejects.toThrow(`bash ${PROVISION_SCRIPT}`);
  });

  test('the provisioned CLI is found', () => {
    expect(existsSync(findTemporalCli())).toBe(true);
  });

  test('starts a dev server on 127.0.0.1 that answers gRPC, and stop() ends it and removes its data', async () => {
    const server = await startTemporalDevServer();
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    const connection = await Connection.connect({ address: server.address });
    const info = await connection.workflowService.getSystemInfo({});
    expect(info.serverVersion).toMatch(/^1\./);
    await connection.close();
    expect(existsSync(server.dataDir)).toBe(true);

    await server.stop();
    expect(isProcessAlive(server.pid)).toBe(false);
    expect(existsSync(server.dataDir)).toBe(false);
    expect(await acceptsConnections('127.0.0.1', Number(server.address.split(':')[1]))).toBe(false);
    await server.stop(); // idempotent
  });
});
