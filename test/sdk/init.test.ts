import { createHash } from 'node:crypto';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ATTR, PRICE_TABLE_VERSION } from '@evaltrace/semantic-conventions';
import { dependenciesHash, envelopeAttributes } from '../../src/envelope.js';
import { init, task, wrap } from '../../src/index.js';
import { type MockLlm, startMockLlm } from './helpers/mock-llm.js';
import { type TestTelemetry, initInMemory } from './helpers/telemetry.js';

let llm: MockLlm;
let otel: TestTelemetry | undefined;
beforeAll(async () => {
  llm = await startMockLlm();
});
afterAll(() => llm.close());
afterEach(async () => {
  await otel?.shutdown();
  otel = undefined;
});

describe('init() resource: the reproducibility envelope', () => {
  it('records code version, runtime, platform, dependency hash, price table, seed and service name on every span', async () => {
    otel = initInMemory({ seed: 42, serviceName: 'qa-bot', resourceAttributes: { 'deployment.environment': 'test' } });
    await task({ exampleId: 'e' }, () => undefined);
    const [span] = await otel.spans(1);
    const head = execFileSync('git', ['rev-parse', 'HEAD']).toString().trim();
    expect(span?.resource.attributes).toMatchObject({
      [ATTR.serviceName]: 'qa-bot',
      [ATTR.codeVersion]: head,
      'evaltrace.env.runtime': `node ${process.versions.node}`,
      'evaltrace.env.platform': `${process.platform}-${process.arch}`,
      [ATTR.depsHash]: dependenciesHash(process.cwd()),
      [ATTR.seed]: '42',
      [ATTR.priceTableVersion]: PRICE_TABLE_VERSION,
      'deployment.environment': 'test',
    });
    expect(span?.resource.attributes[ATTR.depsHash]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('takes the code version from EVALTRACE_CODE_VERSION where git is not available', () => {
    const dir = mkdtempSync(join(tmpdir(), 'evaltrace-nogit-'));
    const a = envelopeAttributes({ cwd: dir, env: { EVALTRACE_CODE_VERSION: 'build-123' } });
    expect(a[ATTR.codeVersion]).toBe('build-123');
    expect(envelopeAttributes({ cwd: dir, env: {} })[ATTR.codeVersion]).toBeUndefined();
  });
});

describe('dependenciesHash()', () => {
  const project = (files: Record<string, unknown>) => {
    const dir = mkdtempSync(join(tmpdir(), 'evaltrace-deps-'));
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), JSON.stringify(content));
    return dir;
  };
  const lock = (versions: Record<string, string>) => ({
    lockfileVersion: 3,
    packages: { '': { name: 'app' }, ...Object.fromEntries(Object.entries(versions).map(([n, v]) => [`node_modules/${n}`, { version: v }])) },
  });

  it('hashes the sorted name@version list of the installed tree, independent of order', () => {
    const a = dependenciesHash(project({ 'package-lock.json': lock({ openai: '6.49.0', zod: '4.6.7' }) }));
    const b = dependenciesHash(project({ 'package-lock.json': lock({ zod: '4.6.7', openai: '6.49.0' }) }));
    expect(a).toBe(createHash('sha256').update('openai@6.49.0\nzod@4.6.7').digest('hex'));
    expect(b).toBe(a);
  });

  it('changes when any installed version changes', () => {
    const a = dependenciesHash(project({ 'package-lock.json': lock({ openai: '6.49.0' }) }));
    const b = dependenciesHash(project({ 'package-lock.json': lock({ openai: '6.49.1' }) }));
    expect(b).not.toBe(a);
  });

  it('falls back to package.json ranges, found from a subdirectory', () => {
    const dir = project({ 'package.json': { dependencies: { openai: '^6' } } });
    mkdirSync(join(dir, 'src'));
    expect(dependenciesHash(join(dir, 'src'))).toBe(createHash('sha256').update('openai@^6').digest('hex'));
  });
});

describe('init() lifecycle', () => {
  it('returns the running installation when called twice', () => {
    otel = initInMemory();
    expect(init()).toBe(otel.handle);
  });

  it('starts afresh after shutdown()', async () => {
    const first = initInMemory();
    await first.shutdown();
    otel = initInMemory();
    expect(otel.handle).not.toBe(first.handle);
    await task({ exampleId: 'e' }, () => undefined);
    expect(await otel.spans(1)).toHaveLength(1);
    expect(first.exporter.getFinishedSpans()).toHaveLength(0);
  });
});

/** An OTLP/HTTP receiver that answers late, counting the spans it got: a slow collector. */
async function slowCollector(delayMs: number) {
  const received: { spans: number; authorization?: string } = { spans: 0 };
  const server = createServer((req: IncomingMessage, res) => {
    // Only the trace export: init()'s background check of the query API gets a 404, as from a plain OTLP receiver.
    if (req.method !== 'POST' || req.url !== '/v1/traces') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = JSON.parse((req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString());
      for (const rs of body.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) received.spans += ss.spans?.length ?? 0;
      received.authorization = req.headers.authorization;
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('telemetry never breaks the app', () => {
  const ask = (c: OpenAI) => c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

  it('leaves LLM calls and tasks working when the collector is down, and flush() still resolves', async () => {
    const handle = init({ endpoint: 'http://127.0.0.1:9' });
    try {
      const client = wrap(new OpenAI({ apiKey: 'test', baseURL: llm.openaiURL, maxRetries: 0 }));
      const answer = await task({ exampleId: 'e' }, async () => (await ask(client)).choices[0]?.message.content);
      expect(answer).toBe('Answer: hi');
      await expect(handle.flush()).resolves.toBeUndefined();
    } finally {
      await handle.shutdown();
    }
  });

  it('exports what is still queued when the process exits without flush()', async () => {
    const collector = await slowCollector(0);
    try {
      const script = fileURLToPath(new URL('./fixtures/exit-without-flush.ts', import.meta.url));
      await promisify(execFile)(process.execPath, ['--import', 'tsx', script, collector.url], { timeout: 20_000 });
      expect(collector.received.spans).toBe(1);
    } finally {
      await collector.close();
    }
  });

  it('bounds the export queue while the collector is slow: spans past maxQueueSize are dropped, the app goes on', async () => {
    const collector = await slowCollector(300);
    const handle = init({ endpoint: collector.url, apiKey: 'k-123', maxQueueSize: 10 });
    try {
      const started = performance.now();
      for (let i = 0; i < 500; i++) await task({ exampleId: String(i) }, () => undefined);
      expect(performance.now() - started).toBeLessThan(2000);
      await handle.flush();
      expect(collector.received.spans).toBeGreaterThan(0);
      // At most one batch in flight plus a full queue; the other spans were dropped, not buffered.
      expect(collector.received.spans).toBeLessThanOrEqual(2 * 10);
      expect(collector.received.authorization).toBe('Bearer k-123');
    } finally {
      await handle.shutdown();
      await collector.close();
    }
  });
});
