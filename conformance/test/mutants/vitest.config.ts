import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    root: new URL('../../..', import.meta.url).pathname,
    include: ['conformance/test/mutants/mutant-target.spec.ts'],
    // Longer than the suite's bounded waits (20 s), so that a mutant is caught by an assertion, not a timeout.
    testTimeout: 60_000,
  },
});
