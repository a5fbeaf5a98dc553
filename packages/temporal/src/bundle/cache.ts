import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Bump when the cache format or the generated entry changes incompatibly. */
const CACHE_FORMAT = 1;
/** How many bundles the cache keeps (the most recently written). */
const KEEP_BUNDLES = 8;

/** A cached bundle and the files it was built from, each with its content hash. */
interface CacheEntry {
  readonly format: number;
  readonly inputs: Readonly<Record<string, string>>;
  readonly code: string;
}

/** The default cache directory: `node_modules/.cache/durable-runtime-temporal` under the working directory, else tmp. */
export function defaultCacheDir(): string {
  const nodeModules = join(process.cwd(), 'node_modules');
  return existsSync(nodeModules)
    ? join(nodeModules, '.cache', 'durable-runtime-temporal')
    : join(tmpdir(), 'durable-runtime-temporal-cache');
}

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The content hash of a file, or `missing`. */
export function hashFile(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return 'missing';
  }
}

/** The cache key of a bundle: the generated entry, the bundler conditions and the workflow modules' contents. */
export function cacheKey(entry: string, conditions: readonly string[], workflowModules: readonly string[]): string {
  const parts = [`format ${CACHE_FORMAT}`, entry, conditions.join(','), ...workflowModules.map(hashFile)];
  return hashText(parts.join('\n'));
}

/** The cached code for `key`, if every file it was built from still has the same content. */
export function readCachedBundle(dir: string, key: string): string | undefined {
  const file = join(dir, `${key}.json`);
  if (!existsSync(file)) return undefined;
  try {
    const entry = JSON.parse(readFileSync(file, 'utf8')) as CacheEntry;
    if (entry.format !== CACHE_FORMAT) return undefined;
    const fresh = Object.entries(entry.inputs).every(([path, hash]) => hashFile(path) === hash);
    return fresh ? entry.code : undefined;
  } catch {
    return undefined;
  }
}

/** Stores a bundle atomically (write, then rename), with the hashes of the files it was built from. */
export function writeCachedBundle(dir: string, key: string, code: string, inputs: readonly string[]): void {
  mkdirSync(dir, { recursive: true });
  const entry: CacheEntry = {
    format: CACHE_FORMAT,
    inputs: Object.fromEntries(inputs.map((path) => [path, hashFile(path)])),
    code,
  };
  const file = join(dir, `${key}.json`);
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, JSON.stringify(entry));
  renameSync(partial, file);
  pruneCache(dir);
}

/** Removes all but the {@link KEEP_BUNDLES} most recent bundles (each is about 2 MB). Best effort. */
function pruneCache(dir: string): void {
  try {
    const bundles = readdirSync(dir)
      .filter((name) => /^[0-9a-f]{64}\.json$/.test(name))
      .map((name) => ({ path: join(dir, name), mtime: statSync(join(dir, name)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const { path } of bundles.slice(KEEP_BUNDLES)) rmSync(path, { force: true });
  } catch {
    // Another process is writing or pruning the same cache: leave it to the next write.
  }
}
