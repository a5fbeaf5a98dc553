import { createServer } from 'node:net';
import { describe, expect, test } from 'vitest';
import {
  acceptsConnections,
  firstExecutable,
  freePorts,
  isExecutable,
  isProcessAlive,
  startProcess,
  waitUntil,
} from '../src/index.js';

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('freePorts', () => {
  test('gives distinct ports that can be bound on 127.0.0.1', async () => {
    const ports = await freePorts(5);
    expect(ports).toHaveLength(5);
    expect(new Set(ports).size).toBe(5);
    for (const port of ports) expect(await bindable(port)).toBe(true);
  });
});

describe('startProcess', () => {
  test('keeps the output and stops the process with SIGTERM; stop() is idempotent', async () => {
    const chunks: string[] = [];
    const server = startProcess('sh', ['-c', 'echo hello; exec sleep 30'], { onOutput: (chunk) => chunks.push(chunk) });
    await waitUntil('sh', async () => server.output().includes('hello'), server, 5_000);
    expect(() => process.kill(server.pid, 0)).not.toThrow();
    const stopping = server.stop();
    expect(server.stop()).toBe(stopping);
    await stopping;
    expect(await server.exited).toBe('exited with SIGTERM');
    expect(() => process.kill(server.pid, 0)).toThrow(/ESRCH/);
    expect(chunks.join('')).toBe('hello\n');
  });

  test('a plain `sleep 30` is stopped by SIGTERM', async () => {
    const server = startProcess('sleep', ['30']);
    await server.stop();
    expect(await server.exited).toBe('exited with SIGTERM');
    expect(() => process.kill(server.pid, 0)).toThrow(/ESRCH/);
  });

  test('a process that ignores SIGTERM is SIGKILLed after the grace period', async () => {
    const server = startProcess('bash', ['-c', 'trap "" TERM; echo trapped; sleep 30']);
    await waitUntil('bash', async () => server.output().includes('trapped'), server, 5_000);
    const started = Date.now();
    await server.stop(300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(await server.exited).toBe('exited with SIGKILL');
    expect(() => process.kill(server.pid, 0)).toThrow(/ESRCH/);
  });

  test('a command that cannot start settles `exited` and stops at once', async () => {
    const server = startProcess('/nonexistent/dev-server-binary', []);
    expect(await server.exited).toMatch(/^failed to start: .*ENOENT/);
    expect(server.pid).toBe(-1);
    await server.stop();
  });
});

describe('waitUntil', () => {
  test('fails with the process output when the process exits', async () => {
    const server = startProcess('sh', ['-c', 'echo booting; echo broken >&2; exit 3']);
    const waiting = waitUntil('Test server', async () => false, server, 10_000);
    await expect(waiting).rejects.toThrow(/^Test server exited with code 3\n/);
    const message = await waiting.catch((error: Error) => error.message);
    expect(message).toContain('booting');
    expect(message).toContain('broken');
  });

  test('fails after the timeout, naming the last failed check', async () => {
    const server = startProcess('sleep', ['30']);
    try {
      await expect(
        waitUntil(
          'Test server',
          async () => {
            throw new Error('connection refused');
          },
          server,
          200,
        ),
      ).rejects.toThrow('Test server was not ready after 200 ms (last check: connection refused)');
    } finally {
      await server.stop();
    }
  });

  test('resolves once the check is true', async () => {
    let calls = 0;
    await waitUntil(
      'counter',
      async () => ++calls === 3,
      { exited: new Promise(() => {}), output: () => '' },
      5_000,
      1,
    );
    expect(calls).toBe(3);
  });
});

describe('firstExecutable', () => {
  test('finds `sh` on PATH, and nothing for a missing name', () => {
    const sh = firstExecutable([], 'sh');
    expect(sh).toMatch(/\/sh$/);
    expect(isExecutable(sh as string)).toBe(true);
    expect(firstExecutable([], 'no-such-executable-for-dev-server-tests')).toBeUndefined();
  });

  test('takes the first executable candidate, skipping unset and missing ones, before PATH', () => {
    const sh = firstExecutable([], 'sh') as string;
    expect(firstExecutable([undefined, '', '/nonexistent/sh', sh], 'bash')).toBe(sh);
    expect(firstExecutable(['/nonexistent/sh'])).toBeUndefined();
  });
});

describe('probes', () => {
  test('acceptsConnections is true while a server listens and false once it closed', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    expect(await acceptsConnections('127.0.0.1', port)).toBe(true);
    await new Promise((resolve) => server.close(resolve));
    expect(await acceptsConnections('127.0.0.1', port)).toBe(false);
  });

  test('isProcessAlive sees a running process and not a stopped one', async () => {
    const sleeper = startProcess('sleep', ['30']);
    expect(isProcessAlive(sleeper.pid)).toBe(true);
    await sleeper.stop();
    expect(isProcessAlive(sleeper.pid)).toBe(false);
  });
});
