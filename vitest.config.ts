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
    // @resonatehq/sdk imports eventsource, whose `source` export condition is TypeScript that Node won't load from
    // node_modules: let vite transform both instead.
    server: { deps: { inline: ['@resonatehq/sdk', 'eventsource'] } },
  },
});
