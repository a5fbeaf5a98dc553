import { defineConfig } from 'vitest/config';

// Tests run against package sources (the `source` export condition), so no build is needed between edits.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'conformance/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // With DURABLE_CONFORMANCE_OUT set, any run (`pnpm test` included) also writes the conformance matrix there.
    reporters: process.env.DURABLE_CONFORMANCE_OUT ? ['default', './conformance/dist/reporter.js'] : ['default'],
    // @resonatehq/sdk imports eventsource, whose `source` export condition is TypeScript that Node won't load from
    // node_modules: let vite transform both instead.
    server: { deps: { inline: ['@resonatehq/sdk', 'eventsource'] } },
  },
});
