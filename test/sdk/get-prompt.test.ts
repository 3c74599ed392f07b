import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { definePrompt, EvaltraceRequestError, getPrompt, prompts } from '../../src/index.js';
import { startTestCollector } from '../helpers/collector.js';

const KEY = 'k-sdk-prompts';
let collector: RunningCollector;
const conn = () => ({ endpoint: collector.url, apiKey: KEY });

const V1 = 'Answer briefly: {{question}}';
const V2 = [
  { role: 'system', content: 'Answer in one sentence.' },
  { role: 'user', content: '{{question}}' },
];

/** A proxy to the collector that can be shut down, so the SDK finds no collector at its URL. */
async function proxyToCollector(): Promise<{ url: string; close: () => Promise<void> }> {
  const target = new URL(collector.url);
  const server = createServer((req, res) => {
    const upstream = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Collects the SDK's warnings while `fn` runs. */
async function warningsDuring<T>(fn: () => Promise<T>): Promise<{ value: T; warnings: string[] }> {
  const warnings: string[] = [];
  const listener = (w: Error) => w.name === 'EvaltraceWarning' && warnings.push(w.message);
  process.on('warning', listener);
  try {
    const value = await fn();
    await new Promise((r) => setImmediate(r));
    return { value, warnings };
  } finally {
    process.off('warning', listener);
  }
}

beforeAll(async () => {
  collector = await startTestCollector({ env: { EVALTRACE_API_KEYS: `${KEY}:acme` } });
});
afterAll(() => collector?.close());

describe('getPrompt and prompts in the SDK', () => {
  it('pushes templates, moves production, and a prompt fetched by label after the move is the new version', async () => {
    const first = await prompts.push('answer', V1, { config: { temperature: 0 }, labels: ['production'], createdBy: 'alice' }, conn());
    expect(first).toMatchObject({ name: 'answer', version: definePrompt({ name: 'answer', template: V1 }).version, created: true });
    expect(first.labels).toContain('production');
    const second = await prompts.push('answer', V2, { version: 'v2' }, conn());
    expect(second).toMatchObject({ version: 'v2', created: true });

    const live = await getPrompt('answer', { ...conn(), cacheTtlSeconds: 0 });
    expect(live).toMatchObject({ name: 'answer', version: first.version, source: 'collector', config: { temperature: 0 } });
    expect(live.render({ question: 'Refund window?' })).toBe('Answer briefly: Refund window?');

    expect(await prompts.label('answer', 'production', 'v2', { movedBy: 'bob', reason: 'v2 won' }, conn())).toEqual({ from: first.version, to: 'v2' });
    const moved = await getPrompt('answer', { ...conn(), cacheTtlSeconds: 0 });
    expect(moved).toMatchObject({ version: 'v2', source: 'collector' });
    expect(moved.render({ question: 'Hi?' })).toEqual([
      { role: 'system', content: 'Answer in one sentence.' },
      { role: 'user', content: 'Hi?' },
    ]);
    expect((await getPrompt('answer', { ...conn(), label: 'latest' })).version).toBe('v2');
    expect((await getPrompt('answer', { ...conn(), version: first.version })).template).toBe(V1);
  });

  it('reuses a label’s answer while it is fresh, then asks again', async () => {
    await prompts.push('tone', 'Be polite.', { labels: ['production'] }, conn());
    const a = await getPrompt('tone', { ...conn(), cacheTtlSeconds: 60 });
    await prompts.push('tone', 'Be very polite.', { version: 'v2', labels: ['production'] }, conn());
    expect(await getPrompt('tone', { ...conn(), cacheTtlSeconds: 60 })).toMatchObject({ version: a.version, source: 'cache' });
    expect(await getPrompt('tone', { ...conn(), cacheTtlSeconds: 0 })).toMatchObject({ version: 'v2', source: 'collector' });
  });

  it('serves the last good copy, then the fallback, while the collector is down, and says so', async () => {
    const down = await proxyToCollector();
    const at = { endpoint: down.url, apiKey: KEY };
    await prompts.push('greeting', 'Hello {{name}}', { labels: ['production'] }, at);
    const good = await getPrompt('greeting', { ...at, cacheTtlSeconds: 0 });
    await down.close();

    const stale = await warningsDuring(() => getPrompt('greeting', { ...at, cacheTtlSeconds: 0 }));
    expect(stale.value).toMatchObject({ version: good.version, source: 'cache' });
    expect(stale.warnings.join('\n')).toMatch(new RegExp(`no collector answers at ${down.url}.*serving the copy of prompt greeting \\(label production\\)`));

    const fallback = await warningsDuring(() => getPrompt('farewell', { ...at, fallback: 'Bye {{name}}' }));
    expect(fallback.value).toMatchObject({ source: 'fallback', version: definePrompt({ name: 'farewell', template: 'Bye {{name}}' }).version });
    expect(fallback.value.render({ name: 'Ann' })).toBe('Bye Ann');
    expect(fallback.warnings.join('\n')).toContain('using the fallback template for prompt farewell');

    const err = await getPrompt('farewell', at).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EvaltraceRequestError);
    expect((err as EvaltraceRequestError).message).toContain(`no collector answers at ${down.url}`);
  });

  it('says which labels a prompt has when the one asked for is missing, rather than serving a stale copy', async () => {
    const err = await getPrompt('answer', { ...conn(), label: 'canary' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EvaltraceRequestError);
    expect((err as EvaltraceRequestError).status).toBe(404);
    expect((err as Error).message).toContain('labels now: latest, production');
  });
});
