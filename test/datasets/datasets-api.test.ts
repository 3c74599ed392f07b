import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { startTestCollector } from '../helpers/collector.js';

const KEY = 'k-datasets';
let collector: RunningCollector;

async function call(method: string, path: string, body?: string, contentType = 'application/json', key = KEY) {
  const res = await fetch(collector.url + path, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': contentType }) },
    body,
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** The content hash by the rule in docs/datasets.md, computed here without the collector's code. */
function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
const sha16 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);
function expectedHash(items: Array<{ id: string; input: unknown; expected?: unknown; metadata?: Record<string, unknown> }>) {
  const lines = items
    .map((i) => ({ id: i.id, h: sha16(`${sortedJson(i.input)}\u0000${i.expected === undefined ? '' : sortedJson(i.expected)}\u0000${sortedJson(i.metadata ?? {})}`) }))
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((i) => `${i.id}\u0000${i.h}`);
  return sha16(lines.join('\n'));
}

const V1 = [
  { id: 'a', input: { q: '2+2', lang: 'en' }, expected: '4' },
  { id: 'b', input: 'capital of France', expected: 'Paris', metadata: { topic: 'geo' } },
  { id: 'c', input: 'Name a prime' },
];

beforeAll(async () => {
  collector = await startTestCollector({ env: { EVALTRACE_API_KEYS: `${KEY}:acme,k-other:other` } });
});
afterAll(() => collector?.close());

describe('datasets stored as content-addressed versions', () => {
  it('stores a JSON upload under its content hash, and the same items in another order are the same version', async () => {
    const first = await call('POST', '/api/datasets/qa/versions', JSON.stringify({ items: V1 }));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ dataset: 'qa', label: null, item_count: 3, created: true, content_hash: expectedHash(V1) });
    expect(first.body.version).toBe(first.body.content_hash);
    const again = await call('POST', '/api/datasets/qa/versions', JSON.stringify({ items: [...V1].reverse() }));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ version: first.body.version, created: false });
  });

  it('keeps a label on its content for good: the same content again is a no-op, other content is a 409 naming both hashes', async () => {
    const labelled = await call('POST', '/api/datasets/qa/versions', JSON.stringify({ label: 'v1', items: V1 }));
    expect(labelled.status).toBe(201);
    expect(labelled.body).toMatchObject({ version: 'v1', label: 'v1', content_hash: expectedHash(V1) });
    expect((await call('POST', '/api/datasets/qa/versions', JSON.stringify({ label: 'v1', items: V1 }))).status).toBe(200);
    const changed = [...V1.slice(0, 2), { id: 'c', input: 'Name an even prime' }];
    const conflict = await call('POST', '/api/datasets/qa/versions', JSON.stringify({ label: 'v1', items: changed }));
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('version_exists');
    expect(conflict.body.error.message).toContain(expectedHash(V1));
    expect(conflict.body.error.message).toContain(expectedHash(changed));
  });

  it('reads JSON Lines and CSV uploads (CSV: id, input, expected, other columns into metadata; quoted cells)', async () => {
    const lines = V1.map((i) => JSON.stringify(i)).join('\n');
    const jsonl = await call('POST', '/api/datasets/qa/versions?label=v1-jsonl', `${lines}\n`, 'application/x-ndjson');
    expect(jsonl.status).toBe(201);
    expect(jsonl.body.content_hash).toBe(expectedHash(V1));
    const csv = 'id,input,expected,topic\r\nx,"Say ""hi"", twice",hi hi,greeting\r\ny,"two\nlines",,misc\r\n';
    const stored = await call('POST', '/api/datasets/chat/versions', csv, 'text/csv');
    expect(stored.status).toBe(201);
    const items = [
      { id: 'x', input: 'Say "hi", twice', expected: 'hi hi', metadata: { topic: 'greeting' } },
      { id: 'y', input: 'two\nlines', metadata: { topic: 'misc' } },
    ];
    expect(stored.body.content_hash).toBe(expectedHash(items));
    const got = await call('GET', `/api/datasets/chat/versions/${stored.body.version}`);
    expect(got.body.items.map((i: any) => [i.id, i.input, i.expected, i.metadata])).toEqual([
      ['x', 'Say "hi", twice', 'hi hi', { topic: 'greeting' }],
      ['y', 'two\nlines', null, { topic: 'misc' }],
    ]);
  });

  it('names items without an id by their input, stably', async () => {
    const items = [{ input: 'alpha' }, { input: 'beta' }];
    const a = await call('POST', '/api/datasets/anon/versions', JSON.stringify({ items }));
    const got = await call('GET', `/api/datasets/anon/versions/${a.body.version}`);
    expect(got.body.items.map((i: any) => i.id)).toEqual(items.map((i) => `h${sha16(JSON.stringify(i.input))}`));
  });

  it('answers bad uploads with a 400 naming the item, line or row, and stores nothing of them', async () => {
    const dup = await call('POST', '/api/datasets/bad/versions', JSON.stringify({ items: [{ id: 1, input: 'x' }, { id: '1', input: 'y' }] }));
    expect(dup.status).toBe(400);
    expect(dup.body.error.message).toMatch(/item 1: duplicate id "1"/);
    const line = await call('POST', '/api/datasets/bad/versions', '{"input":"ok"}\n{"input": oops}\n', 'application/x-ndjson');
    expect(line.status).toBe(400);
    expect(line.body.error.message).toMatch(/^line 2: not JSON/);
    const missing = await call('POST', '/api/datasets/bad/versions', JSON.stringify({ items: [{ id: 'a' }] }));
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/items\[0\]: input is required/);
    const row = await call('POST', '/api/datasets/bad/versions', 'id,input\na,b,c\n', 'text/csv');
    expect(row.body.error.message).toMatch(/CSV row 2: 3 cells/);
    expect((await call('POST', '/api/datasets/bad/versions', 'x', 'text/plain')).status).toBe(415);
    expect((await call('POST', '/api/datasets/bad%20name/versions', JSON.stringify({ items: V1 }))).status).toBe(400);
    expect((await call('POST', '/api/datasets/bad/versions', JSON.stringify({ label: 'no spaces', items: V1 }))).status).toBe(400);
    expect((await call('GET', '/api/datasets/bad')).status).toBe(404);
  });

  it('lists datasets and versions newest first, pages items, and diffs two versions', async () => {
    const v2 = [{ id: 'a', input: { q: '2+2', lang: 'en' }, expected: '4' }, { id: 'b', input: 'capital of Italy', expected: 'Rome' }, { id: 'd', input: 'new' }];
    await call('POST', '/api/datasets/qa/versions', JSON.stringify({ label: 'v2', items: v2 }));
    const list = await call('GET', '/api/datasets');
    expect(list.body.datasets.find((d: any) => d.dataset === 'qa')).toMatchObject({ versions: 4, latest: { version: 'v2' } });
    const versions = await call('GET', '/api/datasets/qa');
    expect(versions.body.versions[0].version).toBe('v2');
    const page = await call('GET', '/api/datasets/qa/versions/v2?limit=2&offset=1');
    expect(page.body.items.map((i: any) => i.id)).toEqual(['b', 'd']);
    const diff = await call('GET', '/api/datasets/qa/diff?from=v1&to=v2');
    expect(diff.body.counts).toEqual({ added: 1, removed: 1, changed: 1, unchanged: 1 });
    expect(diff.body.added.map((i: any) => i.id)).toEqual(['d']);
    expect(diff.body.removed.map((i: any) => i.id)).toEqual(['c']);
    expect(diff.body.changed[0]).toMatchObject({ id: 'b', from: { input: 'capital of France' }, to: { input: 'capital of Italy' } });
    expect((await call('GET', '/api/datasets/qa/diff?from=v1&to=v9')).status).toBe(404);
  });

  it('keeps projects apart', async () => {
    expect((await call('GET', '/api/datasets/qa', undefined, 'application/json', 'k-other')).status).toBe(404);
  });
});
