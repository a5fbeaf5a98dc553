import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import { firstExecutable } from '@durable-runtime/dev-server';

/** The npm package that carries the server binary (a dev dependency of `@durable-runtime/restate`). */
export const SERVER_PACKAGE = '@restatedev/restate-server';

/**
 * Finds the `restate-server` binary of the npm package `@restatedev/restate-server` (its platform package
 * `@restatedev/restate-server-<os>-<arch>`), resolved from this package, then from the working directory.
 * `explicit` or `$RESTATE_SERVER_PATH` take precedence.
 * @throws Error naming the package to install when there is none.
 */
export function findRestateServer(explicit?: string): string {
  const candidates = candidatePaths(explicit);
  const found = firstExecutable(candidates);
  if (found) return found;
  throw new Error(
    `The Restate server binary was not found. It ships in the npm package ${SERVER_PACKAGE} (with its platform ` +
      `package ${platformPackage()}): run \`pnpm install\` in the workspace, or \`pnpm add -D ${SERVER_PACKAGE}\` in ` +
      `your project, or set RESTATE_SERVER_PATH. Looked in: ${candidates.join(', ') || '(nothing resolvable)'}`,
  );
}

function platformPackage(): string {
  return `${SERVER_PACKAGE}-${platform()}-${arch()}`;
}

function candidatePaths(explicit: string | undefined): string[] {
  if (explicit) return [explicit];
  const paths: string[] = [];
  if (process.env.RESTATE_SERVER_PATH) paths.push(process.env.RESTATE_SERVER_PATH);
  for (const base of [import.meta.url, join(process.cwd(), 'package.json')]) {
    const found = resolveFrom(base);
    if (found) paths.push(found);
  }
  return [...new Set(paths)];
}

/** The platform package is an optional dependency of the server package: resolve it from there. */
function resolveFrom(base: string): string | undefined {
  try {
    const serverManifest = createRequire(base).resolve(`${SERVER_PACKAGE}/package.json`);
    return createRequire(serverManifest).resolve(`${platformPackage()}/bin/restate-server`);
  } catch {
    return undefined;
  }
}
