import { fileURLToPath } from 'node:url';
import { createRuntime, loadConfig, ValidationError } from '@durable-runtime/core';
import { onEachBackend, RUN_ID } from '@durable-runtime/example-testing';
import { expect, test } from 'vitest';
import { factorial, registry } from '../src/factorial.js';
import { runFactorialDemo } from '../src/main.js';

const workflowModule = fileURLToPath(new URL('../src/factorial.ts', import.meta.url));

const exact = (n: number): string => {
  let product = 1n;
  for (let k = 2n; k <= BigInt(n); k++) product *= k;
  return product.toString();
};

onEachBackend((engine) => {
  test('20! through 20 nested child executions, each level recorded and readable from outside', async () => {
    const lines: string[] = [];
    const { result, levels } = await runFactorialDemo(engine().env(workflowModule), (line) => lines.push(line));
    expect(result).toBe('2432902008176640000');
    expect(levels.map((level) => level.n)).toEqual(Array.from({ length: 20 }, (_, i) => 20 - i));
    for (const level of levels) expect(level.result, level.id).toBe(exact(level.n));
    expect(levels.at(-1)?.id).toMatch(/^factorial-20-\d+(\.factorial-0){19}$/);
    expect(lines[0]).toBe(`[${engine().backend}] 20! = 2432902008176640000`);
  });

  test('0! and 1! end without children; a bad n is rejected before anything starts', async () => {
    const runtime = await createRuntime(loadConfig(engine().env(workflowModule)), registry);
    try {
      await expect(runtime.run(factorial, { n: 0 }, { id: `factorial-0-${RUN_ID}` })).resolves.toBe('1');
      await expect(runtime.run(factorial, { n: 1 }, { id: `factorial-1-${RUN_ID}` })).resolves.toBe('1');
      const id = `factorial-bad-${RUN_ID}`;
      const rejected = await runtime.start(factorial, { n: -1 }, { id }).catch((error: unknown) => error);
      expect(ValidationError.is(rejected), String(rejected)).toBe(true);
      expect((rejected as ValidationError).issues).toEqual([expect.objectContaining({ path: 'n' })]);
      await expect(runtime.handle(factorial, id).status()).rejects.toMatchObject({ name: 'ExecutionNotFoundError' });
    } finally {
      await runtime.close();
    }
  });
});
