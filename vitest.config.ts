import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The benchmarks' quick run has its own lane: vitest.bench.config.ts.
    exclude: [...configDefaults.exclude, 'test/bench.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // chdb allows one data directory per process: every test file runs in its own fork.
    pool: 'forks',
    isolate: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
