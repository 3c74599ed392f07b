import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { type ChildCollector, freePort, spawnCollector } from '../helpers/child-collector.js';
import { tempDataDir } from '../helpers/data-dir.js';
import { clamp01, derive, planBaseline, sendGateTasks } from '../helpers/gate-scenarios.js';
import { serverModeEnv, sharedFakeClickHouse, startServerModeCollector } from '../helpers/server-mode.js';
import type { FakeClickHouse } from '../helpers/clickhouse-http.js';
import { Capture, exportSpans } from '../helpers/otel.js';
import { answersOf, expectSameAnswers } from '../helpers/same-answers.js';

/**
 * Three collector processes in server mode on one ClickHouse-speaking store,
 * behind a round-robin proxy that also delivers requests a second time to
 * another collector (after the answer, as an exporter's retry after a lost
 * answer would be, and at the same moment, the race insert-time dedup cannot
 * see), with one collector killed -9 mid-stream: every endpoint must answer
 * as a single collector that got each span once.
 */

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

interface Proxy {
  url: string;
  requests: number;
  duplicates: number;
  close(): Promise<void>;
}

/** Round robin over the collectors that answer; a collector that refuses the connection is skipped for good. */
function roundRobin(targets: string[]): Promise<Proxy> {
  const dead = new Set<string>();
  const stats = { requests: 0, duplicates: 0 };
  const alive = () => targets.filter((t) => !dead.has(t));
  const forward = async (target: string, req: IncomingMessage, body: Buffer) => {
    const headers: Record<string, string> = {};
    for (const h of ['content-type', 'content-encoding', 'authorization']) if (req.headers[h]) headers[h] = String(req.headers[h]);
    try {
      const res = await fetch(`${target}${req.url}`, { method: req.method, headers, body: new Uint8Array(body) });
      return { status: res.status, type: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) };
    } catch (err) {
      dead.add(target);
      throw err;
    }
  };
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const n = stats.requests++;
    const order = () => {
      const a = alive();
      return [...a.slice(n % a.length), ...a.slice(0, n % a.length)];
    };
    let answer: Awaited<ReturnType<typeof forward>> | undefined;
    if (n % 5 === 2 && order().length > 1) {
      // At the same moment to two collectors: both check for the spans before either has stored them.
      const [a, b] = order();
      const both = await Promise.allSettled([forward(a!, req, body), forward(b!, req, body)]);
      stats.duplicates += 1;
      answer = both.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))[0];
    }
    for (const target of order()) {
      if (answer) break;
      answer = await forward(target, req, body).catch(() => undefined);
    }
    if (answer && n % 3 === 0) {
      // Delivered again to the next collector, as a retry after a lost answer lands on another instance.
      const next = order()[1];
      if (next) {
        await forward(next, req, body).catch(() => undefined);
        stats.duplicates += 1;
      }
    }
    if (!answer) {
      res.writeHead(503, { 'retry-after': '1' }).end();
      return;
    }
    res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        get requests() {
          return stats.requests;
        },
        get duplicates() {
          return stats.duplicates;
        },
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

/**
 * The collectors' link to ClickHouse, with `insertDelayMs` of latency on
 * inserts: two collectors given the same spans at once then both check for
 * them before either insert lands, the race insert-time dedup cannot close,
 * so the store really holds some spans twice and the rollup must count them once.
 */
interface Link {
  url: string;
  /** Span rows the collectors inserted, duplicates included. */
  spanRowsInserted: number;
  close(): Promise<void>;
}

function slowInserts(target: string, insertDelayMs: number): Promise<Link> {
  let spanRowsInserted = 0;
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const statement = decodeURIComponent((req.url ?? '').replace(/\+/g, ' '));
    if (/INSERT/i.test(statement)) {
      if (/INSERT INTO `?spans`?\b/i.test(statement)) {
        const text = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body).toString() : body.toString();
        spanRowsInserted += text.split('\n').filter((l) => l.trim() !== '').length;
      }
      await new Promise((r) => setTimeout(r, insertDelayMs));
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'connection', 'content-length', 'transfer-encoding'].includes(k)) headers[k] = v;
    const answer = await fetch(`${target}${req.url}`, { method: req.method, headers, body: req.method === 'GET' ? undefined : new Uint8Array(body) });
    const out: Record<string, string> = {};
    answer.headers.forEach((v, k) => {
      if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k)) out[k] = v;
    });
    res.writeHead(answer.status, out).end(Buffer.from(await answer.arrayBuffer()));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        get spanRowsInserted() {
          return spanRowsInserted;
        },
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

const MODEL = 'gpt-x';
const baseline = planBaseline({ seed: 5, datasetVersion: 'd1', count: 60, model: MODEL, promptVersion: 'v1' });
const candidate = derive(baseline, 'v2', (t) => ({ score: clamp01(t.score + 0.05), costUsd: t.costUsd * 0.8 }));

const ENDPOINTS = [
  '/api/triples',
  '/api/prompts?prompt=answer',
  '/api/compare/prompts?prompt=answer&a=v1&b=v2',
  '/api/traces?limit=1000',
  '/api/runs',
];
const GATE = {
  baseline: { dataset_version: 'd1', model: MODEL, prompt_version: 'v1' },
  candidate: { dataset_version: 'd1', model: MODEL, prompt_version: 'v2' },
  rules: [
    { metric: 'score_mean', direction: 'higher_is_better', margin: { absolute: 0.01 }, severity: 'block' },
    { metric: 'cost_per_success', direction: 'lower_is_better', margin: { relative: 0.1 }, severity: 'warn' },
  ],
  min_n: 30,
};

async function storedSpans(fake: FakeClickHouse, database: string): Promise<{ rows: number; distinct: number }> {
  const query = 'SELECT count() AS rows, uniqExact(trace_id, span_id) AS distinct FROM spans FORMAT JSONEachRow';
  const res = await fetch(`${fake.url}/?database=${database}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${fake.user}:${fake.password}`).toString('base64')}` },
    body: query,
  });
  const row = JSON.parse(await res.text()) as { rows: string | number; distinct: string | number };
  return { rows: Number(row.rows), distinct: Number(row.distinct) };
}

describe('three collectors on one store behind a load balancer', () => {
  let fake: FakeClickHouse;
  let clean: RunningCollector;
  const children: ChildCollector[] = [];
  let proxy: Proxy;
  let link: Link;
  let spans: ReadableSpan[];

  beforeAll(async () => {
    fake = await sharedFakeClickHouse();
    const capture = new Capture();
    await sendGateTasks('unused', [...baseline, ...candidate], {}, undefined, capture);
    spans = capture.spans;
    clean = await startServerModeCollector({ env: { ...serverModeEnv(fake, 'clean'), EVALTRACE_COMPACT_INTERVAL_MS: '0' } });
    // One collector migrates the empty store first; the others find it migrated.
    link = await slowInserts(fake.url, 150);
    const env = { ...serverModeEnv(fake, 'multi'), EVALTRACE_CLICKHOUSE_URL: link.url, EVALTRACE_COMPACT_INTERVAL_MS: '300',
      // The killed collector holds compaction back until its last beat is this old.
      EVALTRACE_CLICKHOUSE_TIMEOUT_MS: '5000',
      EVALTRACE_COLLECTOR_STALE_MS: '8000',
    } as Record<string, string>;
    children.push(await spawnCollector(tempDataDir(), await freePort(), env));
    children.push(...(await Promise.all([1, 2].map(async () => spawnCollector(tempDataDir(), await freePort(), env)))));
    proxy = await roundRobin(children.map((c) => c.url));
  }, 120_000);

  afterAll(async () => {
    await proxy?.close();
    for (const c of children) c.proc.kill('SIGTERM');
    await Promise.all(children.map((c) => c.exited));
    await clean?.close();
    await link?.close();
  });

  it('answers every endpoint as one clean delivery does, with duplicates across collectors and one killed -9 mid-stream', async () => {
    await exportSpans(clean.url, spans, 40, 1);
    await exportSpans(proxy.url, spans, 7, 4, () => children[1]!.proc.kill('SIGKILL'));
    expect(await children[1]!.exited).toBeNull();
    expect(proxy.duplicates).toBeGreaterThan(5);

    const multi = await storedSpans(fake, 'multi');
    expect(multi.distinct).toBe(spans.length);
    expect(link.spanRowsInserted, 'some spans were inserted twice, so the rollup is what keeps the counts').toBeGreaterThan(spans.length);
    expect((await storedSpans(fake, 'clean')).rows).toBe(spans.length);

    // Trace pages read the raw spans, where the duplicates are: every fifth trace, whole.
    const traceIds = [...new Set(spans.map((s) => s.spanContext().traceId))].filter((_, i) => i % 5 === 0);
    const paths = [...ENDPOINTS, ...traceIds.map((id) => `/api/traces/${id}`)];
    const expected = await answersOf(clean.url, paths, GATE);
    expect((expected['/api/triples'] as { triples: unknown[] }).triples).toHaveLength(2);
    for (const c of [children[0]!, children[2]!]) await expectSameAnswers(c.url, expected, paths, GATE, 'before compaction');

    // After the live collectors' background compaction (the leader's, once the killed one's beat is stale) the answers are the same.
    const deadline = Date.now() + 30_000;
    let compacted = false;
    while (!compacted && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      const res = await fetch(`${fake.url}/?database=multi`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${fake.user}:${fake.password}`).toString('base64')}` },
        body: 'SELECT count() AS n FROM trace_compactions FORMAT JSONEachRow',
      });
      compacted = Number((JSON.parse(await res.text()) as { n: string }).n) > 0;
    }
    expect(compacted, 'a live collector compacted the shared store').toBe(true);
    for (const c of [children[0]!, children[2]!]) await expectSameAnswers(c.url, expected, paths, GATE, 'after compaction');
    console.log(`n-collectors: ${proxy.requests} requests, ${proxy.duplicates} delivered twice, ${link.spanRowsInserted - spans.length} span rows inserted twice, counted once`);
  }, 120_000);
});
