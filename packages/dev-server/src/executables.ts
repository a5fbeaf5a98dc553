import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Whether `path` names a file this process may execute.
 * @param path An absolute or relative path.
 */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first of `candidates` that is executable (see {@link isExecutable}), then, when `name` is given, the first
 * `<dir>/<name>` that is, for each directory of `PATH` in order.
 * @param candidates Paths to try first, in order; `undefined` and empty entries (unset options) are skipped.
 * @param name An executable's file name to look up on `PATH` after the candidates. @default no `PATH` lookup
 * @returns The path found, or `undefined`.
 * @example
 * const binary = firstExecutable([options.binary, process.env.RESONATE_BIN], 'resonate');
 */
export function firstExecutable(candidates: readonly (string | undefined)[], name?: string): string | undefined {
  for (const candidate of candidates) if (candidate && isExecutable(candidate)) return candidate;
  if (name === undefined) return undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}
