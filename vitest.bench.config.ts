import { defineConfig } from 'vitest/config';

/**
 * The benchmarks' lane (npm run test:bench): every benchmark in quick mode,
 * end to end, so the scripts cannot rot. A lane of its own because it starts
 * its own collectors and times nothing the suite asserts; `npm test` runs it
 * after the full suite.
 */
export default defineConfig({
  test: {
    include: ['test/bench.test.ts'],
    pool: 'forks',
    testTimeout: 300_000,
  },
});
