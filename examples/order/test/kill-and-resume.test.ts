import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRuntime, loadConfig } from '@durable-runtime/core';
import { afterAll, expect, test } from 'vitest';
import { order, registry } from '../src/order.js';

// The README's local-mode demo, as a user runs it: the built example on sqlite, killed with SIGKILL during its
// sleep, then run again with the same id.
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
if (!existsSync(main)) throw new Error(`${main} is missing: run \`pnpm build\` first`);
const dir = mkdtempSync(join(tmpdir(), 'durable-order-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = {
  ...process.env,
  DURABLE_BACKEND: 'sqlite',
  DURABLE_SQLITE_PATH: join(dir, 'durable.sqlite'),
  DURABLE_SQLITE_LEASE_MS: '500',
  ORDER_ID: 'order-demo',
};

function run(extra: Record<string, string> = {}): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, [main], { env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

test('killed with SIGKILL during its sleep, the order resumes on sqlite and finishes without charging again', async () => {
  const first = run({ ORDER_COOL_OFF_MS: '4000' });
  await expect.poll(first.output, { timeout: 20_000, interval: 50 }).toContain('charging 4999 cents');
  // Killed once the charge is durable (the state set after it is, as a client-only process reads it): during the
  // sleep, not while the charge is still being recorded (a charge interrupted before its result is recorded runs
  // again, as it must).
  const client = await createRuntime(loadConfig({ ...env, DURABLE_WORKER: 'false' }), registry);
  try {
    await expect
      .poll(() => client.handle(order, 'order-demo').getState('status'), { timeout: 5_000, interval: 20 })
      .toBe('charged');
  } finally {
    await client.close();
  }
  first.child.kill('SIGKILL');
  await first.exited;
  expect(first.output()).not.toContain('result:');

  const second = run();
  expect(await second.exited).toBe(0);
  expect(second.output()).not.toContain('charging');
  expect(second.output()).toContain('result: {"chargeId":"ch_A-1001_1","approved":true}');
}, 60_000);
