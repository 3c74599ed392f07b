import { createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Logger, setLogger } from '../../collector/logger.js';
import { type RunningCollector, startCollector } from '../../collector/server.js';
import { type FakeClickHouse, startFakeClickHouse } from '../helpers/clickhouse-http.js';
import { getJson } from '../helpers/collector.js';
import { expectTriplesMatch } from '../helpers/expect-triples.js';
import { planTasks } from '../helpers/scenario.js';
import { sendScenario } from '../helpers/send-scenario.js';
import { serverModeEnv } from '../helpers/server-mode.js';

// The triples-e2e scenario with the collector in server mode: configured only
// through EVALTRACE_CLICKHOUSE_*, writing over HTTP to the ClickHouse test server (chdb behind it).
const DATABASE = 'evaltrace_e2e';
const SPAN_INSERT = /^INSERT INTO spans\b/;

describe('server mode: OTLP ingest through @clickhouse/client into /api/triples', () => {
  let fake: FakeClickHouse;
  let collector: RunningCollector;
  const tasks = planTasks(11, { examples: 5 });
  const start = () => startCollector({ port: 0, host: '127.0.0.1', env: serverModeEnv(fake, DATABASE) });

  beforeAll(async () => {
    fake = await startFakeClickHouse({ user: 'collector', password: 's3cret!' });
    collector = await start();
    await sendScenario(collector.url, tasks, (i) => {
      // ClickHouse refuses an insert before running it: the driver resends it.
      if (i === 1) fake.failNext(2, { kind: 'exception', code: 252, type: 'TOO_MANY_PARTS', text: 'Too many parts (3001)' }, SPAN_INSERT);
      // An insert runs but its answer is lost: the collector answers 503, the exporter re-sends, dedup drops what landed.
      if (i === 2) fake.failNext(1, { kind: 'lost-answer' }, SPAN_INSERT);
    });
  }, 120_000);

  afterAll(async () => {
    await collector?.close();
    await fake?.close();
  });

  it('reports the same counts, tokens, cost, success, latency and judge scores per triple as the plan', async () => {
    expect(fake.pendingFailures()).toBe(0);
    // The batch whose answer was lost came back from the exporter and its stored spans were dropped as duplicates.
    const metrics = await (await fetch(`${collector.url}/metrics`)).text();
    expect(Number(/^evaltrace_spans_deduplicated_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    const { status, body } = await getJson(collector, '/api/triples');
    expect(status).toBe(200);
    expectTriplesMatch(body.triples, tasks);
  });

  it('stores every span once, in the configured database on the server', async () => {
    const perTask = tasks.reduce((n, t) => n + 2 + t.calls.length, 0);
    const judgeSpans = 3 * tasks.length;
    const raw = createClient({ url: fake.url, username: fake.user, password: fake.password });
    try {
      const rows = await (
        await raw.query({ query: `SELECT count() AS n FROM ${DATABASE}.spans FINAL`, format: 'JSONEachRow' })
      ).json<{ n: string }>();
      expect(Number(rows[0]!.n)).toBe(perTask + judgeSpans);
    } finally {
      await raw.close();
    }
    const inserts = fake.requests.filter((r) => SPAN_INSERT.test(r.query));
    expect(inserts.length).toBeGreaterThan(0);
    expect(inserts.every((r) => r.database === DATABASE)).toBe(true);
  });

  it('says it is ready on the server store, and answers 503 with Retry-After while ClickHouse keeps failing, telling the operator through the logger', async () => {
    expect((await getJson(collector, '/readyz')).body).toEqual({ status: 'ready', store: 'server' });
    const lines: string[] = [];
    const capture: Logger = { info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) };
    const before = setLogger(capture);
    // The triples query's attempts (it reads value_names), not the heartbeats and compaction checks that run on their own timers.
    fake.failNext(5, { kind: 'reset' }, /value_names/);
    const res = await fetch(`${collector.url}/api/triples`).finally(() => setLogger(before));
    expect(lines.filter((l) => /^warn .*failed .*; retry \d+ in \d+ ms$/.test(l)).length).toBeGreaterThan(0);
    expect(lines).toContainEqual(expect.stringMatching(/^error store error on GET \/api\/triples: /));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).not.toBeNull();
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('store_unavailable');
    expect((await getJson(collector, '/api/triples')).status).toBe(200);
  });

  it('returns one trace with its spans, resolved versions and the evaluations that target it', async () => {
    const list = await getJson(collector, '/api/traces?prompt_version=v1&limit=2');
    expect(list.status).toBe(200);
    expect(list.body.traces).toHaveLength(2);
    const { status, body } = await getJson(collector, `/api/traces/${list.body.traces[0].trace_id}`);
    expect(status).toBe(200);
    expect(body.prompt_version).toBe('v1');
    expect(body.dataset).toBe('support-qa');
    expect(body.evaluations.filter((e: any) => e.judge_version === 'j1')).toHaveLength(2);
  });

  it('keeps the same numbers after the collector restarts against the same server, migrating nothing again', async () => {
    await collector.close();
    const before = fake.requests.length;
    collector = await start();
    expect(fake.requests.slice(before).filter((r) => /INSERT INTO schema_migrations/.test(r.query))).toEqual([]);
    expectTriplesMatch((await getJson(collector, '/api/triples')).body.triples, tasks);
  });
});
