import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { clusterLayout, SHARDED } from '../../collector/store/cluster.js';
import { rebuildViews } from '../../collector/store/rebuild.js';
import { startCollector } from '../../collector/server.js';
import { type FakeClickHouse, startFakeClickHouse } from '../helpers/clickhouse-http.js';
import { clamp01, derive, planBaseline, sendGateTasks } from '../helpers/gate-scenarios.js';
import { Capture, exportSpans } from '../helpers/otel.js';
import { answersOf, expectSameAnswers } from '../helpers/same-answers.js';
import { serverModeEnv } from '../helpers/server-mode.js';

/**
 * EVALTRACE_CLICKHOUSE_CLUSTER: the schema as the collector creates it on a
 * cluster, every statement it sent put through ClickHouse's own parser with
 * the macros substituted, and the collector's answers on that layout (a
 * cluster of one shard and one replica, see helpers/cluster-of-one.ts)
 * against a collector on one node, before and after compaction and a rebuild.
 */
const CLUSTER = 'evaltrace_cluster';
const DATABASE = 'on_cluster';
const MACROS: Record<string, string> = { shard: '01', replica: 'ch-01-1', database: DATABASE };

const MODEL = 'gpt-x';
const baseline = planBaseline({ seed: 9, datasetVersion: 'd1', count: 40, model: MODEL, promptVersion: 'v1' });
const candidate = derive(baseline, 'v2', (t) => ({ score: clamp01(t.score + 0.04), costUsd: t.costUsd * 0.9 }));
const PATHS = ['/api/triples', '/api/prompts?prompt=answer', '/api/compare/prompts?prompt=answer&a=v1&b=v2', '/api/traces?limit=1000', '/api/runs'];
const GATE = {
  baseline: { dataset_version: 'd1', model: MODEL, prompt_version: 'v1' },
  candidate: { dataset_version: 'd1', model: MODEL, prompt_version: 'v2' },
  rules: [{ metric: 'score_mean', direction: 'higher_is_better', margin: { absolute: 0.01 }, severity: 'block' }],
  min_n: 30,
};

/** The DDL the collector sent, as it sent it: CREATE, DROP, ALTER, TRUNCATE. */
const ddlOf = (fake: FakeClickHouse, database: string) =>
  fake.requests.filter((r) => (r.database === database || r.params.db === database) && /^\s*(CREATE|DROP|ALTER|TRUNCATE)\b/i.test(r.query));

/** The macros a server's config would substitute, and the bound database parameter. */
function withMacros(sql: string, table: string | undefined): string {
  return sql.replace(/\{(shard|replica|database|table)\}/g, (_, m: string) => (m === 'table' ? (table ?? '') : MACROS[m]!)).replace(/\{db:Identifier\}/g, DATABASE);
}

async function chdb(fake: FakeClickHouse, sql: string, params: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const url = new URL(fake.url);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(`param_${k}`, v);
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${fake.user}:${fake.password}`).toString('base64')}` },
    body: sql,
  });
  return { status: res.status, text: await res.text() };
}

/** ClickHouse's parser (formatQuery) on one statement: its canonical text, or the parser's error. */
const parse = (fake: FakeClickHouse, sql: string) => chdb(fake, 'SELECT formatQuery({q:String}) FORMAT TabSeparatedRaw', { q: sql });

describe('the schema on a ClickHouse cluster', () => {
  let fake: FakeClickHouse;
  let cluster: RunningCollector;
  let single: RunningCollector;

  beforeAll(async () => {
    fake = await startFakeClickHouse({ user: 'evaltrace', password: 'cluster-secret', clusterOfOne: CLUSTER });
    const env = (database: string) => ({ ...serverModeEnv(fake, database), EVALTRACE_COMPACT_INTERVAL_MS: '0' });
    cluster = await startCollector({ port: 0, host: '127.0.0.1', env: { ...env(DATABASE), EVALTRACE_CLICKHOUSE_CLUSTER: CLUSTER } });
    single = await startCollector({ port: 0, host: '127.0.0.1', env: env('one_node') });
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
    await single?.close();
    await fake?.close();
  });

  it('sends every statement of the schema ON CLUSTER, and each parses with the macros substituted', async () => {
    const ddl = ddlOf(fake, DATABASE);
    expect(ddl.length, 'the migrations ran').toBeGreaterThan(30);
    for (const r of ddl) {
      expect(r.query, 'a statement every node runs').toContain(` ON CLUSTER '${CLUSTER}'`);
      const table = /^\s*(?:CREATE|DROP|ALTER|TRUNCATE) (?:TABLE|VIEW|MATERIALIZED VIEW|DATABASE) (?:IF (?:NOT )?EXISTS )?(\w+)/i.exec(r.query)?.[1];
      const parsed = await parse(fake, withMacros(r.query, table));
      expect(parsed.status, `${parsed.text}\n${r.query}`).toBe(200);
      expect(parsed.text).toContain('ON CLUSTER');
    }
    // The check can fail: the parser rejects a statement with a syntax error.
    expect((await parse(fake, "CREATE TABLE t ON CLUSTER 'c' (a UInt8 ENGINE = MergeTree ORDER BY a")).status).toBe(400);
  });

  it('shards the trace tables by trace id over replicated local tables, and replicates the rest to every node', () => {
    const creates = ddlOf(fake, DATABASE)
      .map((r) => r.query)
      .filter((q) => /^\s*CREATE TABLE/i.test(q));
    const engineOf = (table: string) => creates.find((q) => new RegExp(`^\\s*CREATE TABLE (IF NOT EXISTS )?${table} `).test(q));
    for (const [table, key] of Object.entries(SHARDED)) {
      expect(engineOf(`${table}_local`), table).toMatch(/ENGINE = Replicated\w*MergeTree\('\/clickhouse\/tables\/\{shard\}\/\{database\}\/\{table\}', '\{replica\}'/);
      expect(engineOf(table), table).toContain(`AS ${table}_local\nENGINE = Distributed('${CLUSTER}', '${DATABASE}', '${table}_local', ${key})`);
    }
    for (const table of ['schema_migrations', 'decisions', 'releases', 'dataset_items', 'prompt_versions', 'value_names', 'judge_keys', 'collector_heartbeats', 'trace_compactions']) {
      expect(engineOf(table), table).toMatch(/ENGINE = Replicated\w*MergeTree\('\/clickhouse\/tables\/all\/\{database\}\/\{table\}', '\{replica\}'/);
    }
  });

  it('keeps every materialized view on its shard: it reads and writes local tables only', () => {
    const views = ddlOf(fake, DATABASE).filter((r) => /^\s*CREATE MATERIALIZED VIEW/i.test(r.query));
    expect(views.length).toBeGreaterThanOrEqual(6);
    const names = Object.keys(SHARDED).join('|');
    for (const v of views) {
      expect(v.query, 'no view reads or writes a Distributed table').not.toMatch(new RegExp(`\\b(FROM|JOIN|TO)\\s+(${names})\\b(?!_local)`));
      expect(v.query).toMatch(new RegExp(`\\bFROM\\s+(${names})_local\\b`));
    }
  });

  it("puts an evaluation on its target trace's shard: the keys hash a FixedString and a String id alike", async () => {
    const id = '4bf92f3577b34da6a3ce929d0e0e4736';
    const { text } = await chdb(fake, 'SELECT cityHash64(toFixedString({id:String}, 32)) = cityHash64({id:String}) FORMAT TabSeparatedRaw', { id });
    expect(text.trim()).toBe('1');
  });

  it('rewrites each single-node statement once: a table and its Distributed table, a column added to both, settings to the local one', () => {
    const layout = clusterLayout('c', 'db');
    expect(layout.ddl('ALTER TABLE spans ADD COLUMN x String')).toEqual([
      "ALTER TABLE spans_local ON CLUSTER 'c' ADD COLUMN x String",
      "ALTER TABLE spans ON CLUSTER 'c' ADD COLUMN x String",
    ]);
    expect(layout.ddl('ALTER TABLE spans MODIFY SETTING a = 1')).toEqual(["ALTER TABLE spans_local ON CLUSTER 'c' MODIFY SETTING a = 1"]);
    expect(layout.ddl('DROP TABLE IF EXISTS trace_rollup')).toEqual([
      "DROP TABLE IF EXISTS trace_rollup ON CLUSTER 'c' SYNC",
      "DROP TABLE IF EXISTS trace_rollup_local ON CLUSTER 'c' SYNC",
    ]);
    expect(layout.ddl("INSERT INTO schema_migrations VALUES (1, 'x')")).toEqual(["INSERT INTO schema_migrations VALUES (1, 'x')"]);
    expect(() => layout.ddl('RENAME TABLE spans TO s2')).toThrow(/no cluster form/);
    expect(() => clusterLayout("c'; DROP", 'db')).toThrow(/cluster name/);
  });

  it('answers every endpoint as one node does, before and after compaction and after a rebuild of the views', async () => {
    // The same spans, ids included, to both.
    const capture = new Capture();
    await sendGateTasks('unused', [...baseline, ...candidate], {}, undefined, capture);
    for (const c of [cluster, single]) await exportSpans(c.url, capture.spans, 50, 2);
    const [stored] = await cluster.store.query<{ local: number; logical: number }>(
      'SELECT (SELECT count() FROM spans_local) AS local, (SELECT count() FROM spans) AS logical',
    );
    expect(stored!.local, 'the rows are in the local table').toBeGreaterThan(0);
    expect(stored!.logical).toBe(stored!.local);
    const expected = await answersOf(single.url, PATHS, GATE);
    expect((expected['/api/triples'] as { triples: unknown[] }).triples).toHaveLength(2);
    await expectSameAnswers(cluster.url, expected, PATHS, GATE, 'as stored');

    expect(await cluster.app.compactor.compact()).not.toBeNull();
    await expectSameAnswers(cluster.url, expected, PATHS, GATE, 'after a compaction');
    // Superseded generations are found on every replica, in the local table (the Distributed one has no parts).
    const parts = fake.requests.filter((r) => r.database === DATABASE && /system\.parts/.test(r.query));
    expect(parts.length).toBeGreaterThan(0);
    for (const r of parts) {
      expect(r.query).toContain(`clusterAllReplicas('${CLUSTER}', system.parts)`);
      expect(r.params.table).toBe('trace_resolved_local');
    }

    await rebuildViews(cluster.store);
    await expectSameAnswers(cluster.url, expected, PATHS, GATE, 'after a rebuild');
    const inserts = fake.requests.filter((r) => r.database === DATABASE && /^\s*INSERT INTO `?spans`?/.test(r.query));
    expect(inserts.length).toBeGreaterThan(0);
    for (const r of inserts) expect(r.settings).toMatchObject({ insert_distributed_sync: '1', insert_quorum: 'auto' });
  }, 60_000);

  it('refuses a database created with the other layout, saying what to set', async () => {
    const start = (database: string, env: Record<string, string>) =>
      startCollector({ port: 0, host: '127.0.0.1', env: { ...serverModeEnv(fake, database), EVALTRACE_COMPACT_INTERVAL_MS: '0', ...env } });
    await expect(start(DATABASE, {})).rejects.toThrow(/created on a cluster .*set EVALTRACE_CLICKHOUSE_CLUSTER/);
    await expect(start('one_node', { EVALTRACE_CLICKHOUSE_CLUSTER: CLUSTER })).rejects.toThrow(/created on one node: use a new database/);
  });

  it('refuses a cluster the server does not have, naming it', async () => {
    await expect(
      startCollector({ port: 0, host: '127.0.0.1', env: { ...serverModeEnv(fake, 'elsewhere'), EVALTRACE_CLICKHOUSE_CLUSTER: 'no_such_cluster' } }),
    ).rejects.toThrow(/no_such_cluster/);
  });
});
