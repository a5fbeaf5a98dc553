// `pnpm conformance:report`: runs the conformance suite of every installed backend and writes the results matrix
// (conformance/results.json and conformance/RESULTS.md). Engines are started by each backend's test file.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const conformanceDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(conformanceDir, '..');
// Every conformance file of every package (`conformance.test.ts`, and variants such as Restate's
// `conformance-replay.test.ts`, which runs the suite again on a server that suspends at once).
const files = readdirSync(join(root, 'packages')).flatMap((name) => {
  const dir = join(root, 'packages', name, 'test');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => /^conformance.*\.test\.ts$/.test(file))
    .map((file) => join('packages', name, 'test', file));
});

console.log(`conformance report: ${files.join(', ')}`);
const result = spawnSync(
  'pnpm',
  [
    'exec',
    'vitest',
    'run',
    ...files,
    '--reporter=default',
    `--reporter=${join(conformanceDir, 'dist', 'reporter.js')}`,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, DURABLE_CONFORMANCE_OUT: conformanceDir } },
);
console.log('wrote conformance/results.json and conformance/RESULTS.md');
process.exit(result.status ?? 1);
