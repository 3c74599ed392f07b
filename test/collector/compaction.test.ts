import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sliceBounds, traceIdSlices } from '../../collector/compaction/compactor.js';
import { DEFAULT_COMPACTION } from '../../collector/compaction/policy.js';
import { triples } from '../../collector/query/triples.js';
import { rebuildViews } from '../../collector/store/rebuild.js';
import type { RunningCollector } from '../../collector/server.js';
import { getJson, startTestCollector } from '../helpers/collector.js';
import { makeSender } from '../helpers/otel.js';
import { newSpanId, newTraceId, postJson, request, span } from '../helpers/otlp-json.js';
import { rounded } from '../helpers/same-answers.js';
import { planTasks, sendJudgements, sendTasks } from '../helpers/scenario.js';

/** Every endpoint that reads per-trace summaries, on the scenario's prompt and judges. */
const ENDPOINTS = [
  '/api/triples',
  '/api/triples?prompt_version=v2&judge_version=j1',
  '/api/prompts?prompt=answer',
  '/api/compare/prompts?prompt=answer&a=v1&b=v2&judge=helpfulness-judge&judge_version=j1',
  '/api/compare/judges?judge=helpfulness-judge&a=j1&b=j2',
  '/api/traces?limit=1000',
];

async function answers(c: RunningCollector): Promise<unknown[]> {
  return Promise.all(
    ENDPOINTS.map(async (path) => {
      const { status, body } = await getJson(c, path);
      expect(status, path).toBe(200);
      return body;
    }),
  );
}


async function expectEqualToRaw(c: RunningCollector) {
  const raw = await triples(c.store, 'default', {}, 'raw');
  // Two empty answers would be equal and prove nothing.
  expect(raw.length, 'the reference answer has triples').toBeGreaterThan(0);
  expect(rounded(await triples(c.store, 'default', {}))).toEqual(rounded(raw));
}

const partitions = async (c: RunningCollector) =>
  (
    await c.store.query<{ p: string }>(
      `SELECT DISTINCT partition AS p FROM system.parts WHERE database = currentDatabase() AND table = 'trace_resolved' AND active ORDER BY p`,
    )
  ).map((r) => r.p);

describe('compacted trace summaries answer exactly as the rollup does', () => {
  let c: RunningCollector;
  let beforeCompaction: unknown[];

  beforeAll(async () => {
    // No background compaction: each test compacts when it says so.
    c = await startTestCollector({ compaction: { ...DEFAULT_COMPACTION, intervalMs: 0, marginUs: 0, graceMs: 0 } });
    const sender = makeSender({ url: c.url, encoding: 'protobuf', gzip: false, batch: true });
    const tasks = planTasks(23, { examples: 5 });
    const roots = await sendTasks(sender, tasks);
    await sendJudgements(sender, roots, tasks, 'j1', (t) => t.scores.j1!);
    await sendJudgements(sender, roots, tasks, 'j2', (t) => t.scores.j2!);
    await sender.shutdown();
    beforeCompaction = await answers(c);
  });
  afterAll(() => c.close());

  it('reads every trace from the rollup until the first compaction', async () => {
    expect(await c.store.query('SELECT generation FROM trace_compactions')).toEqual([]);
    expect(await c.app.compactor.changedRows()).toBeGreaterThan(0);
    await expectEqualToRaw(c);
  });

  it('gives every endpoint the same answer after a compaction, and then reads no trace from the rollup', async () => {
    const done = await c.app.compactor.compact();
    const [stored] = await c.store.query<{ n: number }>('SELECT uniqExact(trace_id) AS n FROM spans');
    expect(done?.traces).toBe(stored!.n);
    expect(await c.app.compactor.changedRows()).toBe(0);
    expect(rounded(await answers(c))).toEqual(rounded(beforeCompaction));
    await expectEqualToRaw(c);
  });

  it('writes no new generation when nothing was written since the last', async () => {
    expect(await c.app.compactor.compact()).toBeNull();
  });

  it('resolves traces written to after the compaction from the rollup: a late root, a re-judgement, a new trace', async () => {
    // A compacted trace gets its root (and with it a dataset) late; another is judged again by j1.
    const [listed] = (await getJson(c, '/api/traces?limit=2')).body.traces as Array<{ trace_id: string }>;
    const late = newTraceId();
    const lateRoot = newSpanId();
    await postJson(c.url, request([span({ traceId: late, parentSpanId: lateRoot, attrs: { 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 7 } })]));
    expect(await c.app.compactor.compact()).not.toBeNull();
    await postJson(c.url, request([span({ traceId: late, spanId: lateRoot, attrs: { 'evaltrace.dataset.name': 'late-root', 'evaltrace.task.success': true } })]));
    await postJson(
      c.url,
      request([
        span({
          startMs: Date.UTC(2026, 10, 1),
          links: [{ traceId: listed!.trace_id, spanId: '0000000000000001' }],
          attrs: {
            'gen_ai.evaluation.name': 'helpfulness',
            'gen_ai.evaluation.score.value': 0.01,
            'gen_ai.evaluation.score.label': 'fail',
            'evaltrace.judge.name': 'helpfulness-judge',
            'evaltrace.judge.version': 'j1',
          },
        }),
      ]),
    );
    await postJson(c.url, request([span({ attrs: { 'evaltrace.dataset.name': 'fresh', 'evaltrace.prompt.name': 'answer', 'evaltrace.prompt.version': 'v1' } })]));
    expect(await c.app.compactor.changedRows()).toBeGreaterThan(0);

    await expectEqualToRaw(c);
    const filtered = { dataset: 'late-root' };
    expect(rounded(await triples(c.store, 'default', filtered))).toEqual(rounded(await triples(c.store, 'default', filtered, 'raw')));
    expect((await triples(c.store, 'default', filtered)).map((t) => t.n_traces)).toEqual([1]);
    const uncompacted = await answers(c);
    await c.app.compactor.compact();
    expect(await c.app.compactor.changedRows()).toBe(0);
    expect(rounded(await answers(c))).toEqual(rounded(uncompacted));
  });

  it('keeps only the latest generation once the older ones are past their grace period', async () => {
    const [latest] = await c.store.query<{ g: string }>('SELECT toString(max(generation)) AS g FROM trace_compactions');
    expect(await partitions(c)).toEqual([latest!.g]);
  });

  it('drops the rows of a compaction that died before recording them, which no query ever read', async () => {
    const [row] = await c.store.query<{ g: number }>('SELECT max(generation) AS g FROM trace_compactions');
    // A partial generation below the latest, as a killed process would leave it.
    await c.store.command(
      `INSERT INTO trace_resolved (generation, project, trace_id, dataset_k, is_task, has_root, input_tokens)
       VALUES ({g:UInt64}, 'default', {t:FixedString(32)}, 1, true, true, 999999)`,
      { g: row!.g - 1, t: newTraceId() },
    );
    await expectEqualToRaw(c);
    await postJson(c.url, request([span({ attrs: { 'evaltrace.dataset.name': 'after-crash' } })]));
    await c.app.compactor.compact();
    expect(await partitions(c)).toHaveLength(1);
    await expectEqualToRaw(c);
  });

  it('trusts no compacted row after the rollup is rebuilt from the stored spans', async () => {
    const before = await answers(c);
    await c.store.command('TRUNCATE TABLE trace_rollup');
    await rebuildViews(c.store);
    // The rebuild stamps every trace as written now: each is resolved from the rebuilt rollup.
    expect(await c.app.compactor.changedRows()).toBeGreaterThan(0);
    expect(rounded(await answers(c))).toEqual(rounded(before));
    await expectEqualToRaw(c);
  });

  it('answers exactly while generations are written and dropped under it', async () => {
    const reference = rounded(await triples(c.store, 'default', {}, 'raw'));
    const compactions = (async () => {
      for (let i = 0; i < 4; i++) {
        await postJson(c.url, request([span({ attrs: { 'evaltrace.dataset.name': `churn-${i}` } })]));
        await c.app.compactor.compact();
      }
    })();
    const reads: unknown[] = [];
    for (let i = 0; i < 6; i++) reads.push(rounded(await triples(c.store, 'default', { dataset: 'support-qa' })));
    await compactions;
    const expected = reference.filter((t: { dataset: string }) => t.dataset === 'support-qa');
    for (const r of reads) expect(r).toEqual(expected);
  });
});

describe('the collector compacts on its own', () => {
  it('compacts once writes stop, and again after more arrive', async () => {
    const c = await startTestCollector({ compaction: { ...DEFAULT_COMPACTION, intervalMs: 100, marginUs: 0 } });
    try {
      const waitForNoChanges = async () => {
        for (let i = 0; i < 100 && (await c.app.compactor.changedRows()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
        expect(await c.app.compactor.changedRows()).toBe(0);
      };
      await postJson(c.url, request([span({ attrs: { 'evaltrace.dataset.name': 'auto' } })]));
      await waitForNoChanges();
      await postJson(c.url, request([span({ attrs: { 'evaltrace.dataset.name': 'auto-2' } })]));
      await waitForNoChanges();
      const [row] = await c.store.query<{ n: number }>('SELECT count() AS n FROM trace_compactions');
      expect(row!.n).toBeGreaterThanOrEqual(2);
      const metrics = await (await fetch(`${c.url}/metrics`)).text();
      expect(metrics).toMatch(/^evaltrace_compactions_total [2-9]\d*$/m);
      await expectEqualToRaw(c);
    } finally {
      await c.close();
    }
  });
});

describe('a compaction groups the traces a slice of ids at a time', () => {
  it('splits the ids into contiguous ranges with open ends', () => {
    expect(traceIdSlices([])).toEqual([{ where: '1', params: {} }]);
    const slices = traceIdSlices(['4', '8', 'c']);
    expect(slices).toHaveLength(4);
    expect(slices[0]).toEqual({ where: '1 AND trace_id < {slice_to:String}', params: { slice_to: '4' } });
    expect(slices[1]).toEqual({ where: '1 AND trace_id >= {slice_from:String} AND trace_id < {slice_to:String}', params: { slice_from: '4', slice_to: '8' } });
    expect(slices.at(-1)).toEqual({ where: '1 AND trace_id >= {slice_from:String}', params: { slice_from: 'c' } });
  });

  it('reads the bounds from the ids, so ids that share their leading digits still split evenly', () => {
    // A counter in the low bytes, as some id generators and benchmarks make them.
    const ids = Array.from({ length: 1_000 }, (_, i) => i.toString(16).padStart(32, '0'));
    const bounds = sliceBounds(100_000, ids, 25_000);
    expect(bounds).toEqual([250, 500, 750].map((i) => i.toString(16).padStart(32, '0')));
    expect(sliceBounds(10, ids, 25_000)).toEqual([]);
  });

  it('makes no more slices than the sample can place, and no empty ones from repeated ids', () => {
    const repeated = [...Array(8).fill('a'.repeat(32)), ...Array(8).fill('b'.repeat(32))];
    expect(sliceBounds(1_000_000, repeated, 1)).toEqual(['b'.repeat(32)]);
    const sample = Array.from({ length: 8_192 }, (_, i) => i.toString(16).padStart(32, '0'));
    expect(sliceBounds(1e9, sample, 1)).toHaveLength(511);
  });

  it('writes every trace of a store whose compaction takes several slices', async () => {
    const c = await startTestCollector({ compaction: { ...DEFAULT_COMPACTION, intervalMs: 0, marginUs: 0, sliceTraces: 2 } });
    try {
      const inserts: string[] = [];
      const command = c.store.command.bind(c.store);
      c.store.command = (sql, params) => {
        if (sql.startsWith('INSERT INTO trace_resolved')) inserts.push(sql);
        return command(sql, params);
      };
      // Ids alike but for their last digits: ranges of leading digits would put them all in one slice.
      const prefix = newTraceId().slice(0, 28);
      const traceIds = ['0001', '0002', '0003', '0004', '0005', '0006'].map((n) => prefix + n);
      for (const traceId of traceIds) await postJson(c.url, request([span({ traceId, attrs: { 'evaltrace.dataset.name': 'sliced' } })]));
      // (In server mode the store is shared with the other tests of this file: count these traces only.)
      const done = await c.app.compactor.compact();
      expect(inserts.length).toBeGreaterThanOrEqual(3);
      const [written] = await c.store.query<{ n: number }>(
        'SELECT count() AS n FROM trace_resolved WHERE generation = {g:UInt64} AND trace_id IN {ids:Array(String)}',
        { g: done!.generation, ids: traceIds },
      );
      expect(written!.n).toBe(traceIds.length);
      expect((await triples(c.store, 'default', { dataset: 'sliced' })).map((t) => t.n_traces)).toEqual([traceIds.length]);
      await expectEqualToRaw(c);
    } finally {
      await c.close();
    }
  });
});

describe('compaction with other collectors writing to the same store', () => {
  let c: RunningCollector;
  const beat = (id: string, secondsAgo: number) =>
    c.store.command(`INSERT INTO collector_heartbeats (collector_id, at) SELECT {id:String}, now64(6) - toIntervalMillisecond({ms:UInt64})`, { id, ms: secondsAgo * 1000 });
  const sendTrace = async () => {
    const traceId = newTraceId();
    await postJson(c.url, request([span({ traceId, attrs: { 'evaltrace.dataset.name': 'multi', 'evaltrace.task.success': true } })]));
    return traceId;
  };
  const generationUs = async () => Number((await c.store.query<{ g: string }>('SELECT toString(max(generation)) AS g FROM trace_compactions'))[0]!.g);

  beforeAll(async () => {
    c = await startTestCollector({ compaction: { ...DEFAULT_COMPACTION, intervalMs: 0, marginUs: 0, graceMs: 0 } });
  });
  afterAll(() => c.close());

  it("holds the watermark at another live collector's last beat, so what it may still be writing stays out of the generation", async () => {
    await sendTrace();
    await beat('ffffffff-other-collector', 0);
    const [{ other }] = (await c.store.query<{ other: string }>(
      `SELECT toString(toUnixTimestamp64Micro(max(at))) AS other FROM collector_heartbeats WHERE collector_id = 'ffffffff-other-collector'`,
    )) as [{ other: string }];
    await new Promise((r) => setTimeout(r, 50));
    await sendTrace();
    expect(await c.app.compactor.compact()).not.toBeNull();
    expect(await generationUs()).toBeLessThanOrEqual(Number(other));
    // The trace written after the other collector's beat is not compacted: queries resolve it from the rollup.
    expect(await c.app.compactor.changedRows()).toBe(1);
    await expectEqualToRaw(c);

    await beat('ffffffff-other-collector', 0);
    expect(await c.app.compactor.compact()).not.toBeNull();
    expect(await c.app.compactor.changedRows()).toBe(0);
    await expectEqualToRaw(c);
  });

  it('ignores a collector whose last beat is older than the stale limit, as one that was killed', async () => {
    await beat('00000000-gone-collector', 60);
    await sendTrace();
    await beat('ffffffff-other-collector', 0);
    expect(await c.app.compactor.compact()).not.toBeNull();
    expect(await c.app.compactor.changedRows()).toBe(0);
  });

  it('leaves compacting on its own to the live collector with the smallest id', async () => {
    expect(await c.app.compactor.heartbeats.leads()).toBe(true);
    await beat('00000000-live-collector', 0);
    expect(await c.app.compactor.heartbeats.leads()).toBe(false);
  });
});
