// `pnpm conformance:report`: runs the conformance suite of every installed backend and writes the results matrix
// (conformance/results.json and conformance/RESULTS.md). Engines are started by each backend's test file.
//
// `--backend <package>` runs one package's conformance files only and replaces that package's columns of the existing
// results.json (the other columns stay). `--backend resonate` certifies a Resonate server or database that you name:
// it needs RESONATE_URL or RESONATE_POSTGRES_URL (packages/resonate/test/conformance-remote.test.ts) and fails at
// once without either; add `--in-process` to run Resonate's in-process columns alone.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const conformanceDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(conformanceDir, '..');
const REMOTE_RESONATE = join('packages', 'resonate', 'test', 'conformance-remote.test.ts');
const remoteResonate = Boolean(process.env.RESONATE_URL || process.env.RESONATE_POSTGRES_URL);

const fail = (message) => {
  console.error(`conformance report: ${message}`);
  process.exit(2);
};

function parseArguments(argv) {
  let backend;
  let inProcess = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') continue;
    if (argv[i] === '--backend') backend = argv[++i];
    else if (argv[i].startsWith('--backend=')) backend = argv[i].slice('--backend='.length);
    else if (argv[i] === '--in-process') inProcess = true;
    else fail(`unknown argument ${argv[i]} (use --backend <package> [--in-process])`);
  }
  if (argv.includes('--backend') && !backend) fail('--backend needs a package name, e.g. --backend resonate');
  if (inProcess && backend !== 'resonate') fail('--in-process goes with --backend resonate');
  return { backend, inProcess };
}

/** Every conformance file of a package (`conformance.test.ts`, and variants such as `conformance-replay.test.ts`). */
function conformanceFiles(name) {
  const dir = join(root, 'packages', name, 'test');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => /^conformance.*\.test\.ts$/.test(file))
    .map((file) => join('packages', name, 'test', file));
}

const { backend, inProcess } = parseArguments(process.argv.slice(2));
if (backend && !existsSync(join(root, 'packages', backend))) fail(`no package packages/${backend}`);
if (backend === 'resonate' && !inProcess && !remoteResonate) {
  fail(
    '--backend resonate runs the suite on a Resonate server or database that you name, and neither is set: ' +
      'RESONATE_URL=http://<host>:8001 (a Resonate server) or RESONATE_POSTGRES_URL=postgres://... (PostgreSQL with ' +
      "the resonate-pg schema). To rerun Resonate's in-process columns alone: --backend resonate --in-process.",
  );
}
const packages = backend ? [backend] : readdirSync(join(root, 'packages'));
const files = packages.flatMap(conformanceFiles).filter((file) => {
  if (file !== REMOTE_RESONATE) return true;
  if (!remoteResonate)
    console.log(
      'conformance report: Resonate server and PostgreSQL not run (RESONATE_URL, RESONATE_POSTGRES_URL unset)',
    );
  return remoteResonate && !inProcess;
});

const resultsPath = join(conformanceDir, 'results.json');
const before = backend && existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, 'utf8')) : undefined;
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
if (before) await keepOtherColumns(before, backend);
console.log('wrote conformance/results.json and conformance/RESULTS.md');
process.exit(result.status ?? 1);

/**
 * After a run of one package: its columns are this run's, the columns of every other backend those of `before`.
 * A package's columns are those named after it (`resonate`, `resonate (...)`, `resonate-...`).
 */
async function keepOtherColumns(previous, name) {
  const { renderMatrix } = await import('../dist/matrix.js');
  const ran = JSON.parse(readFileSync(resultsPath, 'utf8'));
  const ours = (column) => column === name || column.startsWith(`${name} `) || column.startsWith(`${name}-`);
  const merged = Object.fromEntries(Object.entries(previous).filter(([column]) => !ours(column)));
  Object.assign(merged, ran);
  writeFileSync(resultsPath, `${JSON.stringify(merged, null, 2)}\n`);
  writeFileSync(join(conformanceDir, 'RESULTS.md'), renderMatrix(merged));
}
