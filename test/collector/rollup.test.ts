import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { triples } from '../../collector/query/triples.js';
import { migrate } from '../../collector/store/migrate.js';
import { rebuildViews } from '../../collector/store/rebuild.js';
import { CONFIG_NAMES_SQL, ENVELOPE_PAIRS_SQL, type SummarySource, traceSummarySql } from '../../collector/sql/traces.js';
import type { RunningCollector } from '../../collector/server.js';
import { startTestCollector } from '../helpers/collector.js';
import { makeSender } from '../helpers/otel.js';
import { newSpanId, newTraceId, postJson, request, span } from '../helpers/otlp-json.js';
import { planTasks, sendJudgements, sendTasks } from '../helpers/scenario.js';

/** Equal except for float means, whose summation order may differ in the last bits. */
function expectSameAnswer(rollup: unknown, raw: unknown) {
  // An empty answer on both sides would be equal and prove nothing.
  expect(Array.isArray(raw) && raw.length > 0, 'the reference answer has rows').toBe(true);
  expect(JSON.parse(JSON.stringify(rollup), (k, v) => (k === 'score_mean' || k === 'score_ci95' ? undefined : v))).toEqual(
    JSON.parse(JSON.stringify(raw), (k, v) => (k === 'score_mean' || k === 'score_ci95' ? undefined : v)),
  );
  const means = (x: any[]) => x.flatMap((t) => t.judges.map((j: any) => j.score_mean));
  const a = means(rollup as any[]);
  const b = means(raw as any[]);
  a.forEach((m, i) => {
    expect(m).toBeCloseTo(b[i], 12);
  });
}

describe('the per-trace rollup answers exactly like the raw spans', () => {
  let c: RunningCollector;
  beforeAll(async () => {
    c = await startTestCollector();
    const sender = makeSender({ url: c.url, encoding: 'protobuf', gzip: true, batch: true });
    const tasks = planTasks(11, { examples: 6 });
    const roots = await sendTasks(sender, tasks);
    await sendJudgements(sender, roots, tasks, 'j1', (t) => t.scores.j1!);
    await sendJudgements(sender, roots, tasks, 'j2', (t) => t.scores.j2!);
    await sender.shutdown();
    // A trace whose root arrives after its children, and a re-sent batch.
    const traceId = newTraceId();
    const rootId = newSpanId();
    const child = span({ traceId, parentSpanId: rootId, attrs: { 'gen_ai.request.model': 'gpt-4.1', 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 5, 'evaltrace.cost.usd': 0.1 } });
    await postJson(c.url, request([child]));
    await postJson(c.url, request([child]));
    await postJson(c.url, request([span({ traceId, spanId: rootId, attrs: { 'evaltrace.dataset.name': 'late-root', 'evaltrace.task.success': true } })]));
    // A trace whose prompt and prompt version sit on spans sent in separate requests (separate rollup rows).
    const splitId = newTraceId();
    const splitRoot = newSpanId();
    await postJson(c.url, request([span({ traceId: splitId, parentSpanId: splitRoot, attrs: { 'evaltrace.prompt.name': 'split-prompt' } })]));
    await postJson(c.url, request([span({ traceId: splitId, spanId: splitRoot, attrs: { 'evaltrace.prompt.version': 'split-v', 'evaltrace.dataset.name': 'split' } })]));
  });
  afterAll(() => c.close());

  it('gives the same triples, unfiltered and filtered, as the raw-span query', async () => {
    for (const f of [{}, { prompt_version: 'v2' }, { model: 'gpt-4o-mini', judge_version: 'j1' }, { dataset: 'late-root' }]) {
      const rollup = await triples(c.store, 'default', f);
      const raw = await triples(c.store, 'default', f, 'raw');
      expect(rollup.length).toBeGreaterThan(0);
      expectSameAnswer(rollup, raw);
    }
  });

  it('carries each trace\'s configurations and envelope as its raw spans give them, across requests and re-sent spans', async () => {
    const traceId = newTraceId();
    const rootId = newSpanId();
    const llm = (model: string, temperature: number) =>
      span({ traceId, parentSpanId: rootId, attrs: { 'gen_ai.request.model': model, 'gen_ai.operation.name': 'chat', 'gen_ai.request.temperature': temperature } });
    const judgeCall = span({ traceId, parentSpanId: rootId, attrs: { 'gen_ai.request.model': 'judge-model', 'gen_ai.operation.name': 'chat', 'evaltrace.judge.name': 'j' } });
    const first = llm('gpt-4o-mini', 0.2);
    const envelope = { 'service.name': 'app', 'evaltrace.code.version': 'c1', 'evaltrace.seed': '7', 'evaltrace.env.runtime': 'node', 'other.key': 'x' };
    await postJson(c.url, request([first, judgeCall], envelope));
    await postJson(c.url, request([first], envelope));
    await postJson(c.url, request([llm('gpt-4o', 0.7), span({ traceId, spanId: rootId, attrs: { 'evaltrace.run.id': 'cfg-run' } })], { ...envelope, 'evaltrace.code.version': 'c2' }));
    const perTrace = (source: SummarySource) =>
      c.store.query<{ trace_id: string; configs: string[]; envelope: string[] }>(
        `SELECT trace_id, configs, envelope FROM (${traceSummarySql(source)}) ORDER BY trace_id`,
        { project: 'default' },
      );
    const rollup = await perTrace('rollup');
    expect(rollup).toEqual(await perTrace('raw'));
    // The codes name what they stand for in pair_names.
    const named = <T>(column: 'configs' | 'envelope', names: string, order: string) =>
      c.store.query<T>(
        `SELECT * EXCEPT (code) FROM (SELECT arrayJoin(${column}) AS code FROM (${traceSummarySql('rollup')}) WHERE trace_id = {id:String}) AS c
         INNER JOIN (${names}) AS p USING (code) ORDER BY ${order}`,
        { project: 'default', id: traceId },
      );
    // The judge's call is not the task's configuration; the re-sent span adds nothing.
    const configs = await named<{ config_hash: string; model: string; params: string }>('configs', CONFIG_NAMES_SQL, 'model');
    expect(configs.map((r) => r.model)).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(new Set(configs.map((r) => r.config_hash)).size).toBe(2);
    expect(configs.map((r) => JSON.parse(r.params).temperature)).toEqual([0.7, 0.2]);
    const envelopePairs = await named<{ key: string; value: string }>('envelope', ENVELOPE_PAIRS_SQL, 'key, value');
    // Two resources (c1, c2) share two of their pairs: the trace carries each pair once.
    expect([...new Set(envelopePairs.map((r) => JSON.stringify([r.key, r.value])))].map((p) => JSON.parse(p))).toEqual([
      ['evaltrace.code.version', 'c1'],
      ['evaltrace.code.version', 'c2'],
      ['evaltrace.env.runtime', 'node'],
      ['evaltrace.seed', '7'],
    ]);
    await c.store.command('OPTIMIZE TABLE trace_rollup FINAL');
    expect(await perTrace('rollup')).toEqual(rollup);
  });

  it('finds a trace by several filters whose values arrived on different rows of the rollup', async () => {
    const f = { prompt: 'split-prompt', prompt_version: 'split-v', dataset: 'split' };
    const rollup = await triples(c.store, 'default', f);
    expect(rollup.map((t) => [t.prompt, t.prompt_version, t.n_traces])).toEqual([['split-prompt', 'split-v', 1]]);
    expectSameAnswer(rollup, await triples(c.store, 'default', f, 'raw'));
  });

  it('rebuilds from the stored spans and evaluations to the same answer (recovery after a crash)', async () => {
    const before = await triples(c.store, 'default', {});
    await c.store.command('TRUNCATE TABLE trace_rollup');
    expect(await triples(c.store, 'default', {})).toEqual([]);
    await rebuildViews(c.store);
    expectSameAnswer(await triples(c.store, 'default', {}), before);
  });

  it('counts a span stored twice once, as when two collectors both store a span an exporter retried to each', async () => {
    const before = await triples(c.store, 'default', {});
    // Past insert-time dedup: the stored rows inserted again, views and all, as a second collector's insert would be.
    // Merges stay stopped until the end: a ReplacingMergeTree merge would collapse the copies the test needs.
    await c.store.command('SYSTEM STOP MERGES spans');
    await c.store.command('INSERT INTO spans SELECT * FROM spans');
    await c.store.command('INSERT INTO evaluations SELECT * FROM evaluations');
    const [stored] = await c.store.query<{ rows: number; distinct: number }>(
      'SELECT count() AS rows, uniqExact(project, trace_id, span_id) AS distinct FROM spans',
    );
    expect(stored!.rows).toBe(2 * stored!.distinct);
    expectSameAnswer(await triples(c.store, 'default', {}), before);
    expectSameAnswer(await triples(c.store, 'default', {}, 'raw'), before);
    for (const f of [{ prompt_version: 'v2' }, { dataset: 'late-root' }]) expectSameAnswer(await triples(c.store, 'default', f), await triples(c.store, 'default', f, 'raw'));
    await c.store.command('SYSTEM START MERGES spans');
  });

  it('refills a rollup that a migration replaced on a store with data', async () => {
    const before = await triples(c.store, 'default', {});
    // As if this store predated migration 010: applying it and those after drops and recreates the rollup.
    await c.store.command('ALTER TABLE schema_migrations DELETE WHERE version >= 10 SETTINGS mutations_sync = 1');
    await migrate(c.store);
    expectSameAnswer(await triples(c.store, 'default', {}), before);
  });

  it('leaves the views\' tables alone when the migrations that land create no view', async () => {
    // A row no base table explains: a rebuild would drop it.
    await c.store.command(`INSERT INTO judge_keys (project, key, judge_name, judge_version, name) VALUES ('sentinel', 1, 'j', 'v', 'n')`);
    await c.store.command('ALTER TABLE schema_migrations DELETE WHERE version = 5 SETTINGS mutations_sync = 1');
    await migrate(c.store);
    expect(await c.store.query(`SELECT key FROM judge_keys WHERE project = 'sentinel'`)).toEqual([{ key: 1 }]);
    await c.store.command(`ALTER TABLE judge_keys DELETE WHERE project = 'sentinel' SETTINGS mutations_sync = 1`);
  });

  it('still agrees after background merges collapse the rollup parts', async () => {
    await c.store.command('OPTIMIZE TABLE trace_rollup FINAL');
    expectSameAnswer(await triples(c.store, 'default', {}), await triples(c.store, 'default', {}, 'raw'));
  });
});
