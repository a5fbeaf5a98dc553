// `pnpm readme`: writes the conformance matrix and the performance table of README.md from what ran:
// conformance/results.json (`pnpm conformance:report`) and bench/results.json (`pnpm bench`). With --check (run by
// `pnpm test`), fails when README.md differs from what those files give. Needs `pnpm build`.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compactTable } from '../bench/dist/markdown.js';
import { matrixTable } from '../conformance/dist/matrix.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readJson = (path) => JSON.parse(readFileSync(join(root, path), 'utf8'));
const sections = {
  matrix: matrixTable(readJson('conformance/results.json')),
  performance: compactTable(readJson('bench/results.json')),
};

const readmePath = join(root, 'README.md');
const current = readFileSync(readmePath, 'utf8');
let next = current;
for (const [name, table] of Object.entries(sections)) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = next.indexOf(start);
  const to = next.indexOf(end);
  if (from === -1 || to < from) {
    console.error(`README.md has no ${start} ... ${end} section`);
    process.exit(1);
  }
  next = `${next.slice(0, from + start.length)}\n${table}\n${next.slice(to)}`;
}

if (process.argv.includes('--check')) {
  if (next !== current) {
    console.error(
      'README.md is stale: its tables differ from conformance/results.json and bench/results.json. Run `pnpm readme`.',
    );
    process.exit(1);
  }
  console.log('README.md tables match conformance/results.json and bench/results.json');
} else {
  writeFileSync(readmePath, next);
  console.log('wrote the tables of README.md');
}
