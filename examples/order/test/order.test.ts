import { expect, test } from 'vitest';
import { runOrderDemo } from '../src/main.js';

test('the order example runs to an approved result on the configured backend', async () => {
  const lines: string[] = [];
  const result = await runOrderDemo(
    { ...process.env, DURABLE_BACKEND: process.env.DURABLE_BACKEND ?? 'memory' },
    (line) => lines.push(line),
  );
  expect(result).toEqual({ chargeId: 'ch_A-1001_1', approved: true });
  expect(lines.at(-1)).toContain('status: approved');
});
