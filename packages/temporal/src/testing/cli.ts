import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstExecutable } from '@durable-runtime/dev-server';

/** The script that installs the Temporal CLI into the project's toolchain. */
export const PROVISION_SCRIPT = 'scripts/provision/temporal.sh';

/**
 * Finds the Temporal CLI (`temporal`, which contains the dev server). Looks, in order, at `explicit`, `$TEMPORAL_CLI_PATH`,
 * `$DR_TOOLS/bin/temporal`, a `.toolchain/bin/temporal` above the working directory or this package, and `PATH`.
 * @throws Error naming {@link PROVISION_SCRIPT} when there is none.
 */
export function findTemporalCli(explicit?: string): string {
  const candidates = candidatePaths(explicit);
  const found = firstExecutable(candidates, explicit ? undefined : 'temporal');
  if (found) return found;
  throw new Error(
    `The Temporal CLI ('temporal') was not found. Install it with \`bash ${PROVISION_SCRIPT}\` (it puts the dev server ` +
      `in .toolchain/bin), or set TEMPORAL_CLI_PATH. Looked in: ${candidates.join(', ')}${explicit ? '' : ' and on PATH'}`,
  );
}

/** Where to look before PATH, in order: only `explicit` when it is given. */
function candidatePaths(explicit: string | undefined): string[] {
  if (explicit) return [explicit];
  const env = process.env;
  const paths: string[] = [];
  if (env.TEMPORAL_CLI_PATH) paths.push(env.TEMPORAL_CLI_PATH);
  if (env.DR_TOOLS) paths.push(join(env.DR_TOOLS, 'bin', 'temporal'));
  for (const start of [process.cwd(), dirname(fileURLToPath(import.meta.url))]) {
    for (const dir of ancestors(start)) paths.push(join(dir, '.toolchain', 'bin', 'temporal'));
  }
  return [...new Set(paths)];
}

function ancestors(start: string): string[] {
  const dirs: string[] = [];
  for (let dir = start; ; dir = dirname(dir)) {
    dirs.push(dir);
    if (dirname(dir) === dir) return dirs;
  }
}
