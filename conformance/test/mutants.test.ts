import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { MUTANTS } from './mutants/mutants.js';

const config = fileURLToPath(new URL('./mutants/vitest.config.ts', import.meta.url));
const vitestBin = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));

interface JsonReport {
  testResults: { assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
}

/** Runs the mutant's group in a separate vitest process and returns the full names of the tests that failed. */
async function failingTests(mutant: string): Promise<{ failed: string[]; timedOut: string[]; total: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'durable-mutant-'));
  const output = join(dir, 'report.json');
  try {
    await new Promise<void>((resolve) => {
      const child = spawn(
        process.execPath,
        [vitestBin, 'run', '--config', config, '--reporter=json', `--outputFile=${output}`],
        { env: { ...process.env, DURABLE_MUTANT: mutant }, stdio: 'ignore' },
      );
      child.on('exit', () => resolve());
    });
    const report = JSON.parse(readFileSync(output, 'utf8')) as JsonReport;
    const results = report.testResults.flatMap((file) => file.assertionResults);
    const failed = results.filter((r) => r.status !== 'passed');
    return {
      failed: failed.map((r) => r.fullName),
      timedOut: failed.filter((r) => r.failureMessages.some((m) => m.includes('timed out'))).map((r) => r.fullName),
      total: results.length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The suite must fail a wrong engine: each mutant breaks one rule of the spec, and the named test must catch it.
// Capabilities are checked both ways: an honest backend without a feature passes, one that hides a working feature
// behind an undeclared capability fails.
describe('the conformance suite catches wrong engines', () => {
  test.concurrent.each(MUTANTS.map((mutant) => [mutant.name, mutant] as const))(
    '%s',
    async (_name, mutant) => {
      const { failed, timedOut, total } = await failingTests(mutant.name);
      expect(total, 'the mutant run executed no test').toBeGreaterThan(0);
      if (mutant.caughtBy === null) {
        expect(failed).toEqual([]);
        return;
      }
      // Strict: each named test fails by an assertion (not a timeout), and no other test fails.
      const fragments = typeof mutant.caughtBy === 'string' ? [mutant.caughtBy] : mutant.caughtBy;
      for (const fragment of fragments) {
        expect(
          failed.filter((name) => name.includes(fragment)),
          `'${fragment}' did not fail`,
        ).not.toEqual([]);
      }
      expect(
        failed.filter((name) => !fragments.some((fragment) => name.includes(fragment))),
        'others failed',
      ).toEqual([]);
      expect(timedOut, 'caught by a timeout, not an assertion').toEqual([]);
    },
    240_000,
  );
});
