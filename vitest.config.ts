import { configDefaults, defineConfig } from 'vitest/config';

// The Resonate suite on a server or database the user names (`pnpm conformance:report --backend resonate`): a test
// file only where RESONATE_URL or RESONATE_POSTGRES_URL is set (neither can be installed here).
const remoteResonate = Boolean(process.env.RESONATE_URL || process.env.RESONATE_POSTGRES_URL);

// Tests run against package sources (the `source` export condition), so no build is needed between edits.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'conformance/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    exclude: [
      ...configDefaults.exclude,
      ...(remoteResonate ? [] : ['packages/resonate/test/conformance-remote.test.ts']),
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default on a 2-core machine is one file at a time; most files wait on engine servers and timers (a run
    // used 42% of two cores), so two files at a time halve the run (1,150 s to 603 s, measured on this machine).
    maxWorkers: 2,
    // With DURABLE_CONFORMANCE_OUT set, any run (`pnpm test` included) also writes the conformance matrix there.
    reporters: process.env.DURABLE_CONFORMANCE_OUT ? ['default', './conformance/dist/reporter.js'] : ['default'],
    // @resonatehq/sdk imports eventsource, whose `source` export condition is TypeScript that Node won't load from
    // node_modules: let vite transform both instead.
    server: { deps: { inline: ['@resonatehq/sdk', 'eventsource'] } },
  },
});
