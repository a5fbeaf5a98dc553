// `pnpm example <name>`: runs examples/<name> (built) on the backend chosen by DURABLE_BACKEND (memory when unset).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const examples = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples');
const name = process.argv[2];
// An example is a folder with a runnable src/main.ts (examples/testing holds the tests' shared support, not an example).
const available = readdirSync(examples).filter((entry) => existsSync(join(examples, entry, 'src', 'main.ts')));
if (!name || !available.includes(name)) {
  console.error(`usage: ./dev example <name>   (examples: ${available.join(', ')})`);
  process.exit(2);
}
const result = spawnSync(process.execPath, [join(examples, name, 'dist', 'main.js'), ...process.argv.slice(3)], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
