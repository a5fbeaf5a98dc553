// `pnpm packages:check` (run by `pnpm test`): checks the published surface of every package as npm would ship it:
// publint (exports, files, entry points) and `attw --pack` (types resolve for every export, ESM-only). Needs `pnpm build`.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dirs = [...readdirSync(join(root, 'packages')).map((name) => join('packages', name)), 'conformance'];
const published = dirs.filter((dir) => !JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')).private);

const failures = [];
for (const dir of published) {
  for (const [tool, args] of [
    ['publint', ['exec', 'publint', '--strict', dir]],
    ['attw', ['exec', 'attw', '--pack', dir, '--profile', 'esm-only', '--format', 'ascii']],
  ]) {
    const run = spawnSync('pnpm', args, { cwd: root, encoding: 'utf8' });
    if (run.status === 0) continue;
    failures.push(`${tool} ${dir}:\n${run.stdout}${run.stderr}`);
  }
}
if (failures.length > 0) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log(`published surface checked (publint, attw --pack): ${published.join(', ')}`);
