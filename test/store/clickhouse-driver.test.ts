import { createClient } from '@clickhouse/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EvaluationRow, SpanRow } from '../../collector/ingest/rows.js';
import { StoreError } from '../../collector/store/errors.js';
import type { RetryEvent } from '../../collector/store/clickhouse-retry.js';
import { ClickHouseStore, type ClickHouseStoreOptions } from '../../collector/store/clickhouse.js';
import { loadMigrations, migrate } from '../../collector/store/migrate.js';
import { type FakeClickHouse, startFakeClickHouse } from '../helpers/clickhouse-http.js';

// The server driver against the ClickHouse HTTP test server, whose every statement runs in chdb.
const USER = 'evaltrace';
const PASSWORD = 'pa55:w0rd';
const DATABASE = 'driver_test';

let fake: FakeClickHouse;
let store: ClickHouseStore;
let retries: RetryEvent[] = [];

function options(overrides: Partial<ClickHouseStoreOptions['connection']> = {}, attempts = 4): ClickHouseStoreOptions {
  return {
    connection: { url: fake.url, user: USER, password: PASSWORD, database: DATABASE, timeoutMs: 5_000, ...overrides },
    retry: { attempts, baseDelayMs: 1, maxDelayMs: 4 },
    onRetry: (e) => retries.push(e),
  };
}

/** ClickHouse's default text form of DateTime64(9) in UTC, computed from unix nanoseconds. */
function dt64(ns: string): string {
  const n = BigInt(ns);
  const seconds = new Date(Number(n / 1_000_000_000n) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  return `${seconds}.${(n % 1_000_000_000n).toString().padStart(9, '0')}`;
}

/** A distinct lowercase hex id of n digits per seed. */
const hex = (n: number, seed: number) => `a${seed.toString(16)}`.padStart(n, '0');

function span(seed: number, overrides: Partial<SpanRow> = {}): SpanRow {
  return {
    project: 'driver-test',
    trace_id: hex(32, seed),
    span_id: hex(16, seed),
    parent_span_id: '',
    name: `chat gpt-4o-mini #${seed}`,
    kind: 3,
    start_time: '1760000000123456789',
    end_time: '1760000001987654321',
    duration_ns: '1864197532',
    status_code: 2,
    status_message: 'rate limited: "try again"\n\tlater',
    service_name: 'svc',
    scope_name: 'evaltrace',
    is_root: true,
    is_llm: true,
    is_evaluation: false,
    model: 'gpt-4o-mini',
    provider: 'openai',
    operation: 'chat',
    dataset_name: 'support-qa',
    dataset_version: '2026-10',
    example_id: 'ex-1',
    prompt_name: 'answer',
    prompt_version: 'v2',
    run_id: 'run-1',
    judge_name: '',
    judge_version: '',
    input_tokens: Number.MAX_SAFE_INTEGER,
    output_tokens: 0,
    cache_read_tokens: 12,
    cache_write_tokens: 3,
    cost_usd: 0.000123,
    cost_source: 'price_table',
    success: null,
    request_params: '{"stop_sequences":["\\n\\n"],"temperature":0.2}',
    config_hash: '0123456789abcdef',
    attributes: { 'gen_ai.request.model': 'gpt-4o-mini', "it's": 'a\\b\nc', 'ü': '🙂' },
    resource_attributes: {},
    events: [{ time: '1760000000500000001', name: 'gen_ai.choice', attributes: { index: '0' } }],
    links: [{ trace_id: hex(32, seed + 1), span_id: hex(16, seed + 1), attributes: { why: 'judged' } }],
    ...overrides,
  };
}

function evaluation(id: string): EvaluationRow {
  return {
    project: 'driver-test',
    evaluation_id: id,
    target_trace_id: hex(32, 1),
    target_span_id: hex(16, 1),
    evaluation_trace_id: hex(32, 2),
    evaluation_span_id: hex(16, 2),
    name: 'helpfulness',
    judge_name: 'helpfulness-judge',
    judge_version: 'j2',
    judge_model: 'claude-sonnet-4-5-20250929',
    score: 0.75,
    label: 'pass',
    passed: true,
    explanation: "because it's right",
    source: 'span',
    time: '1760000002000000000',
  };
}

const countSpans = async (spanId: string) =>
  (await store.query<{ n: number }>('SELECT count() AS n FROM spans WHERE span_id = {id:String}', { id: spanId }))[0]!.n;

beforeAll(async () => {
  fake = await startFakeClickHouse({ user: USER, password: PASSWORD });
  store = await ClickHouseStore.open(options());
  await migrate(store);
});

afterAll(async () => {
  await store?.close();
  await fake?.close();
});

beforeEach(() => {
  retries = [];
});

describe('server driver: schema', () => {
  it('creates the configured database and applies every migration into it', async () => {
    const tables = await store.query<{ name: string }>(
      'SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name',
      { db: DATABASE },
    );
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['evaluations', 'schema_migrations', 'spans']));
    expect(fake.requests.filter((r) => /^CREATE TABLE/.test(r.query)).every((r) => r.database === DATABASE)).toBe(true);
  });

  it('applies migrations once: a restart against the same database records and runs nothing again', async () => {
    const files = await loadMigrations();
    const before = fake.requests.length;
    const again = await ClickHouseStore.open(options());
    try {
      expect(await migrate(again)).toBe(Math.max(...files.map((m) => m.version)));
    } finally {
      await again.close();
    }
    const sent = fake.requests.slice(before).map((r) => r.query);
    expect(sent.filter((q) => /INSERT INTO schema_migrations/.test(q))).toEqual([]);
    expect(sent.filter((q) => /^CREATE TABLE/.test(q) && !/schema_migrations/.test(q))).toEqual([]);
    const rows = await store.query<{ n: number }>('SELECT count() AS n FROM schema_migrations');
    expect(rows[0]!.n).toBe(files.length);
  });
});

describe('server driver: data', () => {
  it('round-trips every column type of the spans table', async () => {
    const row = span(1);
    const unpriced = span(2, { cost_usd: null, success: true, is_root: false, parent_span_id: hex(16, 1) });
    await store.insert('spans', [row, unpriced]);
    const back = await store.query<Record<string, unknown>>(
      'SELECT * EXCEPT ingested_at FROM spans WHERE trace_id IN {ids:Array(String)} ORDER BY span_id',
      { ids: [row.trace_id, unpriced.trace_id] },
    );
    const expected = [row, unpriced]
      .map((r) => ({
        ...r,
        start_time: dt64(r.start_time),
        end_time: dt64(r.end_time),
        duration_ns: Number(r.duration_ns),
        events: r.events.map((e) => ({ ...e, time: dt64(e.time) })),
      }))
      .sort((a, b) => a.span_id.localeCompare(b.span_id));
    expect(back).toEqual(expected);
  });

  it('round-trips an evaluation row', async () => {
    const row = evaluation('eval-roundtrip');
    await store.insert('evaluations', [row]);
    const back = await store.query('SELECT * EXCEPT ingested_at FROM evaluations WHERE evaluation_id = {id:String}', {
      id: row.evaluation_id,
    });
    expect(back).toEqual([{ ...row, time: dt64(row.time) }]);
  });

  it('returns 64-bit integers as JSON numbers, as the embedded driver does', async () => {
    const [row] = await store.query<{ big: unknown; total: unknown }>(
      'SELECT toUInt64({v:UInt64}) AS big, sum(input_tokens) AS total FROM spans WHERE span_id = {id:String}',
      { v: Number.MAX_SAFE_INTEGER, id: hex(16, 1) },
    );
    expect(row).toEqual({ big: Number.MAX_SAFE_INTEGER, total: Number.MAX_SAFE_INTEGER });
  });

  it('binds parameters server-side: hostile strings match only themselves and come back verbatim', async () => {
    const hostile = ["x' OR '1'='1", "'; DROP TABLE spans; --", 'back\\slash\\', 'tab\there\nnewline', '{name:String}', '🙂 ü', '\\N'];
    await store.insert('spans', hostile.map((name, i) => span(100 + i, { name })));
    for (const name of hostile) {
      const rows = await store.query<{ name: string }>(
        'SELECT name FROM spans WHERE project = {p:String} AND name = {name:String}',
        { p: 'driver-test', name },
      );
      expect(rows, name).toEqual([{ name }]);
    }
    expect(await countSpans(hex(16, 100))).toBe(1);
  });
});

describe('server driver: failures', () => {
  it('turns rejected credentials into a StoreError naming the user and the variables to check, without retrying', async () => {
    const before = fake.requests.length;
    const err = await ClickHouseStore.open(options({ password: 'wrong' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(/rejected user "evaltrace" \(AUTHENTICATION_FAILED\)/);
    expect((err as Error).message).toMatch(/EVALTRACE_CLICKHOUSE_PASSWORD/);
    expect((err as Error).message).not.toContain('wrong');
    expect(fake.requests.length - before).toBe(1);
    expect(retries).toEqual([]);
  });

  it('retries a query through a proxy 503, a dropped connection and TOO_MANY_SIMULTANEOUS_QUERIES, then answers', async () => {
    fake.failNext(1, { kind: 'http', status: 503, body: '<html><h1>503 Service Temporarily Unavailable</h1></html>' });
    fake.failNext(1, { kind: 'reset' });
    const busy = 'Too many simultaneous queries. Maximum: 100';
    fake.failNext(1, { kind: 'exception', code: 202, type: 'TOO_MANY_SIMULTANEOUS_QUERIES', text: busy });
    const before = fake.requests.length;
    expect(await store.query('SELECT 42 AS answer')).toEqual([{ answer: 42 }]);
    expect(fake.requests.length - before).toBe(4);
    expect(retries.map((r) => r.kind)).toEqual(['ambiguous', 'ambiguous', 'unsent']);
  });

  it('resends an insert that ClickHouse refused before running it, and the row is stored once', async () => {
    const row = span(200);
    fake.failNext(2, { kind: 'exception', code: 252, type: 'TOO_MANY_PARTS', text: 'Too many parts (3001)' }, /^INSERT/);
    await store.insert('spans', [row]);
    expect(retries.map((r) => r.kind)).toEqual(['unsent', 'unsent']);
    expect(await countSpans(row.span_id)).toBe(1);
  });

  it('does not resend an insert whose answer was lost: the caller gets a StoreError and the row is stored once', async () => {
    const row = span(201);
    fake.failNext(1, { kind: 'lost-answer' }, /^INSERT/);
    await expect(store.insert('spans', [row])).rejects.toThrow(/insert into spans failed: ECONNRESET/);
    expect(retries).toEqual([]);
    expect(await countSpans(row.span_id)).toBe(1);
  });

  it('does not resend an insert after a gateway error page', async () => {
    fake.failNext(1, { kind: 'http', status: 502, body: '<html><title>502 Bad Gateway</title></html>' });
    const before = fake.requests.length;
    await expect(store.insert('evaluations', [evaluation('eval-502')])).rejects.toThrow(StoreError);
    expect(fake.requests.length - before).toBe(1);
    expect(retries).toEqual([]);
  });

  it('resends a command only when ClickHouse refused it before running it', async () => {
    fake.failNext(1, { kind: 'reset' });
    await expect(store.command('CREATE TABLE IF NOT EXISTS scratch_a (x UInt8) ENGINE = Memory')).rejects.toThrow(StoreError);
    expect(retries).toEqual([]);
    fake.failNext(1, { kind: 'exception', code: 252, type: 'TOO_MANY_PARTS', text: 'Too many parts (3001)' });
    await store.command('CREATE TABLE IF NOT EXISTS scratch_b (x UInt8) ENGINE = Memory');
    expect(retries.map((r) => r.kind)).toEqual(['unsent']);
  });

  it('does not retry a syntax error and reports it as a StoreError with the ClickHouse code', async () => {
    const before = fake.requests.length;
    const err = await store.query('SELEC 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(/query failed: SYNTAX_ERROR \(code 62\)/);
    expect(fake.requests.length - before).toBe(1);
    expect(retries).toEqual([]);
  });

  it('gives up after the configured number of attempts and says so', async () => {
    fake.failNext(4, { kind: 'reset' });
    const before = fake.requests.length;
    await expect(store.query('SELECT 1')).rejects.toThrow(/gave up after 4 attempts/);
    expect(fake.requests.length - before).toBe(4);
    expect(retries).toHaveLength(3);
  });

  it('fails a request that outlives the configured timeout, and does not run it again past that time', async () => {
    const slow = await ClickHouseStore.open(options({ timeoutMs: 300 }));
    try {
      const started = Date.now();
      await expect(slow.query('SELECT sleep(2)')).rejects.toThrow(/query failed: Timeout error/);
      expect(Date.now() - started).toBeLessThan(1500);
      expect(retries).toEqual([]);
    } finally {
      await slow.close();
    }
  });

  it('reports an unreachable server as such, after retrying', async () => {
    const url = 'http://127.0.0.1:9';
    const err = await ClickHouseStore.open(options({ url }, 2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(/cannot reach ClickHouse at http:\/\/127\.0\.0\.1:9: ECONNREFUSED/);
    expect(retries.map((r) => r.kind)).toEqual(['unsent']);
  });

  it('pings true while the server answers and false, without retrying, when it does not', async () => {
    expect(await store.ping()).toBe(true);
    fake.failNext(1, { kind: 'reset' });
    expect(await store.ping()).toBe(false);
    expect(retries).toEqual([]);
  });
});

describe('the ClickHouse HTTP test server', () => {
  it('answers with the server default where chdb differs: 64-bit integers quoted unless the client asks', async () => {
    const raw = createClient({ url: fake.url, username: USER, password: PASSWORD });
    try {
      const rows = await (await raw.query({ query: 'SELECT toUInt64(5) AS x', format: 'JSONEachRow' })).json();
      expect(rows).toEqual([{ x: '5' }]);
    } finally {
      await raw.close();
    }
  });
});
