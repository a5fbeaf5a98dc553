import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ConfigError } from '@durable-runtime/core';
import { bundleWorkflowCode } from '@temporalio/worker';
import { cacheKey, defaultCacheDir, readCachedBundle, writeCachedBundle } from './cache.js';
import { entrySource, sandboxEntryPath } from './entry-source.js';
import { type BundleObservation, explainBundleFailure, observeBundle } from './observe.js';

/** How to build the workflow bundle. */
export interface BundleRequest {
  /** Absolute paths of the application's workflow modules. */
  readonly workflowModules: readonly string[];
  /** Where bundles are cached; `false` builds every time; `undefined` uses the default directory. */
  readonly cacheDir: string | false | undefined;
  /** Extra package.json export conditions to resolve with (before webpack's defaults). */
  readonly conditions: readonly string[];
}

/** A workflow bundle and whether it came from the cache. */
export interface WorkflowBundle {
  readonly code: string;
  readonly cached: boolean;
}

/**
 * Returns the Temporal workflow bundle of the application's workflow modules: from the cache when every file it was
 * built from is unchanged, else built with `bundleWorkflowCode` from a generated entry (and cached).
 * @throws ConfigError naming a missing module, or the import that cannot run in the workflow sandbox.
 */
export async function loadWorkflowBundle(request: BundleRequest): Promise<WorkflowBundle> {
  const modules = request.workflowModules.map(resolveModulePath);
  const source = entrySource(modules, sandboxEntryPath());
  const key = cacheKey(source, request.conditions, modules);
  const cacheDir = request.cacheDir === false ? undefined : (request.cacheDir ?? defaultCacheDir());
  const cached = cacheDir === undefined ? undefined : readCachedBundle(cacheDir, key);
  if (cached !== undefined) return { code: cached, cached: true };

  const entryDir = join(cacheDir ?? defaultCacheDir(), 'entries');
  mkdirSync(entryDir, { recursive: true });
  const entryPath = join(entryDir, `workflows-${key.slice(0, 16)}-${process.pid}.js`);
  writeFileSync(entryPath, source);
  const observation: BundleObservation = { disallowed: [] };
  try {
    const { code } = await bundleWorkflowCode({
      workflowsPath: entryPath,
      logger: silentLogger,
      webpackConfigHook: (config) => observeBundle(config, observation, request.conditions),
    });
    const inputs = (observation.files ?? []).filter((file) => file !== entryPath);
    if (cacheDir !== undefined) writeCachedBundle(cacheDir, key, code, inputs);
    return { code, cached: false };
  } catch (error) {
    throw new ConfigError(explainBundleFailure(request.workflowModules, observation, error), { cause: error });
  } finally {
    rmSync(entryPath, { force: true });
  }
}

/**
 * The file of a workflow module path: the path itself, or the TypeScript source next to a `.js` path that does not
 * exist (as TypeScript writes imports, and as the bundler resolves them).
 * @throws ConfigError for a relative path or a missing file.
 */
export function resolveModulePath(path: string): string {
  if (!isAbsolute(path)) {
    throw new ConfigError(`workflowModules: '${path}' is not an absolute path (use path.resolve or new URL(...))`);
  }
  if (existsSync(path)) return path;
  const source = /\.[mc]?js$/.test(path) ? `${path.slice(0, -2)}ts` : undefined;
  if (source && existsSync(source)) return source;
  throw new ConfigError(`workflowModules: the module '${path}' does not exist`);
}

const ignore = () => undefined;
/** Webpack's own report is replaced by {@link explainBundleFailure}'s. */
const silentLogger = { log: ignore, trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore };
