import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Crash workers run the built packages (as an application would): fails loudly when the adapter's `dist` entry, given
 * relative to the calling test file, is missing.
 * @example requireBuilt(new URL('../dist/index.js', import.meta.url));
 */
export function requireBuilt(entry: URL): void {
  const path = fileURLToPath(entry);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`pnpm build\` before the crash certification`);
}
