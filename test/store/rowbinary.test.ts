import { Session } from 'chdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeSpan } from '../../collector/ingest/normalize.js';
import type { EvaluationRow, SpanRow } from '../../collector/ingest/rows.js';
import { DEFAULT_LIMITS } from '../../collector/limits.js';
import { decodeTraces } from '../../collector/otlp/decode.js';
import { ChdbStore } from '../../collector/store/chdb.js';
import { StoreError } from '../../collector/store/errors.js';
import { migrate } from '../../collector/store/migrate.js';
import { encoderFor, rowBinary } from '../../collector/store/rowbinary.js';
import { BENCH_LOAD, LLM_LOAD, payloads } from '../../bench/payloads.js';
import { tempDataDir } from '../helpers/data-dir.js';

/** Real normalized spans (decoded and normalized OTLP payloads), and evaluations of one of them. */
function normalized(): { spans: SpanRow[]; evaluations: EvaluationRow[] } {
  const ctx = { project: 'default', limits: DEFAULT_LIMITS, onTruncate: () => undefined };
  const spans: SpanRow[] = [];
  const evaluations: EvaluationRow[] = [];
  for (const shape of [LLM_LOAD, BENCH_LOAD]) {
    const factory = payloads('protobuf', shape);
    for (const item of decodeTraces(factory.next(), 'protobuf')) {
      if ('malformed' in item) continue;
      const n = normalizeSpan(item, ctx);
      spans.push(n.span);
      evaluations.push(...n.evaluations);
    }
  }
  const first = spans[0]!;
  const scores = [null, 0, 1, 0.25, -3.5];
  evaluations.push(
    ...scores.map((score, i): EvaluationRow => ({
      project: 'default',
      evaluation_id: `eval-${i}`,
      target_trace_id: first.trace_id,
      target_span_id: first.span_id,
      evaluation_trace_id: i % 2 ? first.trace_id : '',
      evaluation_span_id: i % 2 ? first.span_id : '',
      name: 'faithfulness',
      judge_name: 'judge',
      judge_version: `v${i}`,
      judge_model: 'gpt-4o-mini',
      score,
      label: i % 2 ? 'pass' : '',
      passed: score === null ? null : score > 0.5,
      explanation: i === 4 ? 'ünïcode explanation, 😀, and a quote \'' : '',
      source: (['span', 'span_event', 'log', 'annotation', 'span'] as const)[i]!,
      time: first.end_time,
    })),
  );
  return { spans, evaluations };
}

/** Values at the edges of each type: multi-byte text around the one-byte length limit, empty and big maps, nulls, 2^53 - 1, the last nanosecond DateTime64(9) holds. */
function edgeSpans(base: SpanRow): SpanRow[] {
  const texts = ['', 'ascii', 'é'.repeat(42), '€'.repeat(43), '😀'.repeat(21), '😀'.repeat(22), 'x'.repeat(127), 'y'.repeat(128), 'z'.repeat(70_000), "quote ' back\\slash\ttab\nnewline\u0000nul"];
  return texts.map((t, i): SpanRow => ({
    ...base,
    span_id: `e${i.toString(16).padStart(15, '0')}`,
    name: t,
    status_message: t,
    model: t,
    cost_usd: i % 3 === 0 ? null : i / 7,
    success: i % 3 === 0 ? null : i % 3 === 1,
    input_tokens: i === 1 ? Number.MAX_SAFE_INTEGER : i,
    duration_ns: i === 2 ? '18446744073709551615' : String(i),
    end_time: i === 3 ? '9223372036854775807' : base.end_time,
    attributes: i % 2 === 0 ? {} : ({ [t]: t, k: 'v', ключ: '值' } as Record<string, string>),
    events: i % 2 === 0 ? [] : [{ time: base.start_time, name: t, attributes: { [t]: t } }],
    links: i % 2 === 1 ? [] : [{ trace_id: base.trace_id, span_id: base.span_id, attributes: { a: t } }],
  }));
}

const EXCEPT = 'ingested_at';

describe('RowBinary inserts (embedded store)', () => {
  let dir: string;
  let store: ChdbStore;
  let session: Session;
  let rows: { spans: SpanRow[]; evaluations: EvaluationRow[] };

  beforeAll(async () => {
    dir = tempDataDir();
    store = new ChdbStore(dir);
    await migrate(store);
    session = new Session(dir);
    rows = normalized();
    rows.spans.push(...edgeSpans(rows.spans[0]!));
    for (const table of ['spans', 'evaluations']) session.query(`CREATE TABLE ${table}_json AS ${table} ENGINE = MergeTree ORDER BY tuple()`);
  });
  afterAll(async () => {
    session.close();
    await store.close();
  });

  it('stores every value of real normalized spans and evaluations exactly as a JSON insert of the same rows does', async () => {
    expect(rows.evaluations.length).toBeGreaterThan(0);
    await store.insert('spans', rows.spans);
    await store.insert('evaluations', rows.evaluations);
    for (const [table, list] of [['spans', rows.spans], ['evaluations', rows.evaluations]] as const) {
      await session.insert({ table: `${table}_json`, values: Buffer.from(list.map((r) => JSON.stringify(r)).join('\n')), format: 'JSONEachRow' });
      const read = (t: string) => session.query(`SELECT * EXCEPT ${EXCEPT} FROM ${t} ORDER BY ALL FORMAT JSONEachRow`).split('\n');
      const binary = read(table);
      expect(binary.length).toBe(list.length + 1);
      expect(binary).toEqual(read(`${table}_json`));
    }
  });

  it('feeds the views as any insert does: the rollup has every trace inserted', async () => {
    const [rollup] = await store.query<{ n: number }>('SELECT uniqExact(trace_id) AS n FROM trace_rollup WHERE has_spans = 1');
    expect(Number(rollup!.n)).toBe(new Set(rows.spans.map((r) => r.trace_id)).size);
  });

  it('refuses a value its column cannot hold with a StoreError, and stores nothing of that insert', async () => {
    const before = await store.query<{ n: number }>('SELECT count() AS n FROM spans');
    const bad = [{ ...rows.spans[0]!, span_id: 'f000000000000001' }, { ...rows.spans[0]!, span_id: 'f0000000000000002' }];
    await expect(store.insert('spans', bad)).rejects.toThrow(StoreError);
    await expect(store.insert('spans', [{ ...rows.spans[0]!, duration_ns: '-1' }])).rejects.toThrow(/out of range for UInt64/);
    expect(await store.query('SELECT count() AS n FROM spans')).toEqual(before);
  });

  it('refuses a type it has no encoding for instead of writing wrong bytes', () => {
    expect(() => encoderFor('Decimal(38, 12)')).toThrow(/not supported/);
    expect(rowBinary([{ a: 'x' }], [{ name: 'a', encode: encoderFor("LowCardinality(String)") }])).toEqual(Buffer.from([1, 120]));
  });
});
