import { defineConfig } from 'vitest/config';

/**
 * The fast lane (npm run test:unit): the files that start no collector, no
 * store and no browser, so no build or Chromium is prepared first. The full
 * suite (vitest.config.ts) runs these too.
 */
export default defineConfig({
  test: {
    include: [
    'test/analytics/coverage.test.ts',
    'test/analytics/export.test.ts',
    'test/analytics/judge-effects.test.ts',
    'test/analytics/ns-to-iso.test.ts',
    'test/collector/otlp-protobuf.test.ts',
    'test/collector/peer-attributes.test.ts',
    'test/gates/outcome.test.ts',
    'test/sdk/content.test.ts',
    'test/sdk/context.test.ts',
    'test/sdk/cost.test.ts',
    'test/sdk/evaluation.test.ts',
    'test/sdk/experiment.test.ts',
    'test/sdk/init-existing-otel.test.ts',
    'test/sdk/input-shapes.test.ts',
    'test/sdk/message-json.test.ts',
    'test/sdk/prompt.test.ts',
    'test/sdk/request-params.test.ts',
    'test/sdk/sse.test.ts',
    'test/sdk/transparency.test.ts',
    'test/sdk/versions-cache.test.ts',
    'test/sdk/wrap-anthropic.test.ts',
    'test/sdk/wrap-openai.test.ts',
    'test/stats/binary.test.ts',
    'test/stats/bootstrap.test.ts',
    'test/stats/core.test.ts',
    'test/stats/paired.test.ts',
    'test/store/clickhouse-retry.test.ts',
    'test/store/write-gate.test.ts',
    ],
    pool: 'forks',
    testTimeout: 30_000,
  },
});
