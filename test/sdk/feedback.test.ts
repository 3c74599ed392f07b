import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { init, task } from '../../src/index.js';
import { startTestCollector } from '../helpers/collector.js';

/** What a developer sees when spans cannot reach the collector: one clear line each, naming the URL and the fix. */
const warnings: string[] = [];
const onWarning = (w: Error) => {
  if (w.name === 'EvaltraceWarning') warnings.push(w.message);
};
const until = async (check: () => boolean, ms = 8000) => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
};

/** A loopback port nothing listens on: bound, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

let collector: RunningCollector;
let nowhere: string;
beforeAll(async () => {
  nowhere = `http://127.0.0.1:${await closedPort()}`;
  collector = await startTestCollector({ env: { EVALTRACE_API_KEYS: 'k-right:acme' } });
  process.on('warning', onWarning);
});
afterAll(async () => {
  process.off('warning', onWarning);
  await collector?.close();
});
afterEach(() => {
  warnings.length = 0;
});

describe('SDK connectivity feedback', () => {
  it('warns once at init() when no collector answers, naming the URL and how to point the SDK elsewhere', async () => {
    const telemetry = init({ endpoint: nowhere });
    try {
      await until(() => warnings.length > 0);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toBe(
        `evaltrace: no collector answers at ${nowhere} (ECONNREFUSED); spans are dropped until one does: start one (npx @evaltrace/collector) or point the SDK at yours with init({ endpoint }) or OTEL_EXPORTER_OTLP_ENDPOINT`,
      );
    } finally {
      await telemetry.shutdown();
    }
  });

  it('warns when the collector rejects the API key, naming the variable to set', async () => {
    const telemetry = init({ endpoint: collector.url, apiKey: 'k-wrong' });
    try {
      await until(() => warnings.length > 0);
      expect(warnings[0]).toContain(`the collector at ${collector.url} rejected the API key (HTTP 401)`);
      expect(warnings[0]).toContain('EVALTRACE_API_KEY');
    } finally {
      await telemetry.shutdown();
    }
  });

  it('says nothing when the collector answers and takes the key', async () => {
    const telemetry = init({ endpoint: collector.url, apiKey: 'k-right' });
    await task({ exampleId: 'ok' }, () => undefined);
    await telemetry.flush();
    await new Promise((r) => setTimeout(r, 200));
    await telemetry.shutdown();
    expect(warnings).toEqual([]);
  });

  it('counts the spans an export could not deliver and reports them with the URL', async () => {
    const telemetry = init({ endpoint: nowhere, checkConnection: false });
    try {
      for (let i = 0; i < 3; i++) await task({ exampleId: String(i) }, () => undefined);
      await telemetry.flush();
      await until(() => warnings.length > 0);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(new RegExp(`^evaltrace: 3 spans could not be exported to ${nowhere}/v1/traces \\(`));
    } finally {
      await telemetry.shutdown();
    }
  });
});
