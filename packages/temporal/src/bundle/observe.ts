import { createRequire } from 'node:module';
import { dirname, relative } from 'node:path';
import { disallowedModules, moduleMatches } from '@temporalio/worker/lib/workflow/bundler.js';

/** What the bundler saw: the files it read, the sandbox-forbidden imports and its errors. */
export interface BundleObservation {
  files?: string[];
  readonly disallowed: { readonly request: string; readonly issuer: string | undefined }[];
  errors?: string[];
  /** Import chains, from a workflow module down to each issuer of a forbidden import. */
  chains?: Map<string, string[]>;
}

// Minimal shapes of the webpack objects used here (webpack is a dependency of @temporalio/worker, not of this package).
interface WebpackModule {
  readonly resource?: string;
}
interface Compilation {
  readonly errors: readonly { readonly message: string }[];
  readonly fileDependencies: Iterable<string>;
  readonly modules: Iterable<WebpackModule>;
  readonly moduleGraph: { getIssuer(module: WebpackModule): WebpackModule | null | undefined };
}
interface Compiler {
  readonly hooks: { readonly done: { tap(name: string, fn: (stats: { compilation: Compilation }) => void): void } };
}
interface ExternalData {
  readonly request?: string;
  readonly contextInfo?: { readonly issuer?: string };
}
interface Config {
  resolve?: Record<string, unknown>;
  externals?: unknown;
  plugins?: unknown[];
}

/** Adapts the SDK's webpack configuration: extra conditions, and hooks that record what {@link BundleObservation} holds. */
export function observeBundle<C>(config: C, observation: BundleObservation, conditions: readonly string[]): C {
  const mutable = config as Config;
  const resolve = { ...mutable.resolve };
  if (conditions.length > 0) resolve.conditionNames = [...conditions, '...'];
  // The generated entry lives outside any package: its `@temporalio/workflow` imports resolve from the adapter's.
  resolve.modules = [...((resolve.modules as string[] | undefined) ?? ['node_modules']), temporalModulesDir()];
  mutable.resolve = resolve;
  const recordDisallowed = async ({ request, contextInfo }: ExternalData) => {
    const name = request?.startsWith('node:') ? request.slice('node:'.length) : (request ?? '');
    if (moduleMatches(name, disallowedModules)) {
      observation.disallowed.push({ request: request ?? '', issuer: contextInfo?.issuer });
    }
    return undefined;
  };
  mutable.externals = [recordDisallowed, mutable.externals].filter(Boolean);
  const plugin = {
    apply(compiler: Compiler) {
      compiler.hooks.done.tap('durable-runtime', ({ compilation }) => {
        observation.files = [...compilation.fileDependencies].filter((file) => !file.includes('\0'));
        observation.errors = compilation.errors.map((error) => error.message);
        observation.chains = importChains(compilation, observation);
      });
    },
  };
  mutable.plugins = [...(mutable.plugins ?? []), plugin];
  return config;
}

function importChains(compilation: Compilation, observation: BundleObservation): Map<string, string[]> {
  const chains = new Map<string, string[]>();
  const issuers = new Set(observation.disallowed.map((problem) => problem.issuer));
  for (const module of compilation.modules) {
    if (!module.resource || !issuers.has(module.resource)) continue;
    const chain: string[] = [];
    for (let current: WebpackModule | null | undefined = module; current; ) {
      if (current.resource) chain.unshift(current.resource);
      current = compilation.moduleGraph.getIssuer(current);
    }
    chains.set(module.resource, chain);
  }
  return chains;
}

/** The message of a bundling failure: which import (in which file, reached how) cannot go into the sandbox. */
export function explainBundleFailure(
  workflowModules: readonly string[],
  observation: BundleObservation,
  error: unknown,
): string {
  const show = (path: string) => (path.startsWith('/') ? relative(process.cwd(), path) || path : path);
  const head = `Cannot bundle the workflow modules (${workflowModules.map(show).join(', ')}) for Temporal's workflow sandbox`;
  const lines: string[] = [];
  for (const { request, issuer } of observation.disallowed) {
    // The generated entries (the SDK's and ours) start every chain; they are not the application's code.
    const chain = (issuer && observation.chains?.get(issuer)?.filter((file) => !isGenerated(file))) || [];
    const via = chain.length > 1 ? ` (imported through ${chain.map(show).join(' -> ')})` : '';
    lines.push(`- ${issuer ? show(issuer) : 'a module'} imports '${request}'${via}: ${whyForbidden(request)}`);
  }
  const requests = observation.disallowed.map((problem) => problem.request);
  for (const message of observation.errors ?? []) {
    // Errors about a forbidden import (webpack cannot read `node:` URLs) repeat what the lines above say.
    if (!requests.some((request) => message.includes(`"${request}"`))) lines.push(`- ${firstLines(message)}`);
  }
  if (lines.length === 0) lines.push(`- ${(error as Error)?.message ?? String(error)}`);
  const hint =
    'Workflow code runs in a deterministic sandbox without Node built-ins or I/O: move such code into a step ' +
    '(defineStep), and import step modules from workflow modules only for their definitions.';
  return `${head}:\n${lines.join('\n')}\n${hint}`;
}

function isGenerated(file: string): boolean {
  return file.endsWith('-autogenerated-entrypoint.cjs') || /[\\/]entries[\\/]workflows-[0-9a-f]+-\d+\.js$/.test(file);
}

function whyForbidden(request: string): string {
  return request.startsWith('@temporalio/')
    ? `${request} cannot run inside the workflow sandbox`
    : `'${request}' is a Node.js built-in module, which the workflow sandbox does not provide`;
}

function firstLines(message: string): string {
  return message.split('\n').slice(0, 3).join(' ').trim();
}

/** The `node_modules` directory from which this package resolves `@temporalio/workflow`. */
function temporalModulesDir(): string {
  const main = createRequire(import.meta.url).resolve('@temporalio/workflow');
  return dirname(dirname(dirname(dirname(main))));
}
