import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    root: new URL('../../..', import.meta.url).pathname,
    include: ['conformance/test/mutants/mutant-target.spec.ts'],
    testTimeout: 8_000,
  },
});
