// `pnpm certify [--kills N] [--backend NAME]`: runs the crash campaign of every backend that has one
// (in packages/*/test/crash.test.ts), or of the one named, with N random worker kills (default 100), and writes the
// figures to conformance/certification/<backend>.json and conformance/CERTIFICATION.md (from every backend's
// figures there). Engines are started by each backend's test file.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const conformanceDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(conformanceDir, '..');
const out = join(conformanceDir, 'certification');
const killsFlag = process.argv.indexOf('--kills');
const kills = killsFlag === -1 ? 100 : Number(process.argv[killsFlag + 1]);
if (!Number.isInteger(kills) || kills < 1) {
  console.error('usage: pnpm certify [--kills N]   (N: a whole number of kills, at least 1)');
  process.exit(2);
}

const backendFlag = process.argv.indexOf('--backend');
const only = backendFlag === -1 ? undefined : process.argv[backendFlag + 1];
const files = readdirSync(join(root, 'packages'))
  .filter((name) => only === undefined || name === only)
  .map((name) => join('packages', name, 'test', 'crash.test.ts'))
  .filter((file) => existsSync(join(root, file)));
if (files.length === 0) {
  console.error(`certify: no crash campaign for ${only ?? 'any backend'} (packages/<backend>/test/crash.test.ts)`);
  process.exit(2);
}
if (!process.argv.includes('--render-only')) {
  for (const file of files) {
    const backend = file.split('/')[1];
    const stale = existsSync(out) ? readdirSync(out).filter((name) => name.startsWith(`${backend}-`)) : [];
    for (const name of [`${backend}.json`, ...stale]) rmSync(join(out, name), { force: true });
  }
}
console.log(`certify: ${kills} kills per backend: ${files.join(', ')}`);
// --render-only writes CERTIFICATION.md again from the figures already in conformance/certification.
const renderOnly = process.argv.includes('--render-only');
const result = renderOnly
  ? { status: 0 }
  : spawnSync('pnpm', ['exec', 'vitest', 'run', ...files, '-t', 'crash campaign', '--testTimeout=3600000'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, DURABLE_CAMPAIGN_KILLS: String(kills), DURABLE_CERTIFY_OUT: out },
    });

const figures = existsSync(out)
  ? readdirSync(out)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => JSON.parse(readFileSync(join(out, name), 'utf8')))
  : [];
const columns = [
  ['backend', 'backend'],
  ['kills', 'kills'],
  ['executions', 'executions'],
  ['steps', 'steps'],
  ['lost', 'executions lost'],
  ['failedByCrashes', 'failed by crashes'],
  ['recordedStepsRerun', 'recorded steps re-run'],
  ['duplicateSideEffects', 'duplicate side effects after recording'],
  ['attemptsConsumedByCrashes', 'attempts consumed by crashes'],
  ['seconds', 'seconds'],
];
const table = [
  `| ${columns.map(([, title]) => title).join(' | ')} |`,
  `|${columns.map(() => '---').join('|')}|`,
  ...figures.map((row) => `| ${columns.map(([key]) => row[key]).join(' | ')} |`),
];
const failures = figures.filter((row) => row.firstFailure).map((row) => `- ${row.backend}: ${row.firstFailure}`);
writeFileSync(
  join(conformanceDir, 'CERTIFICATION.md'),
  [
    '# Crash certification',
    '',
    `Written by \`pnpm certify\` (kills per backend in the table) on ${new Date().toISOString().slice(0, 10)}. Each backend's worker process is`,
    'SIGKILLed at random moments (150-1350 ms apart, not only inside a marked step) while executions of the `campaign`',
    'workflow (6 steps, a state write after each, a durable sleep after every other) run, and a new worker is started',
    'each time; then every execution must complete. A recorded step re-run is a step that began again after a later',
    'step had begun; an attempt consumed by a crash is a step run with `info.attempt` above 1 (the steps never throw).',
    'The memory engine runs in-process, so its row is its crash simulation: `crash()` abandons the runtime at random',
    'moments (20-420 ms apart) and a new runtime over the same store resumes the executions by replay; what an',
    "abandoned attempt writes after its runtime's crash is dropped, as a killed process writes nothing.",
    '',
    ...table,
    ...(failures.length ? ['', 'First failures:', '', ...failures] : []),
    '',
  ].join('\n'),
);
console.log('wrote conformance/CERTIFICATION.md');
process.exit(result.status ?? 1);
