import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { getJson, startTestCollector } from '../helpers/collector.js';
import { newSpanId, newTraceId, postJson, request, span } from '../helpers/otlp-json.js';

/** One task trace (root + two LLM spans) and one judge span, as OTLP/JSON spans. */
function taskWithJudge(dataset: string, i: number) {
  const traceId = newTraceId();
  const rootId = newSpanId();
  const root = span({ traceId, spanId: rootId, name: 'task', durMs: 100 + i, attrs: { 'evaltrace.dataset.name': dataset, 'evaltrace.example.id': `e${i}`, 'evaltrace.task.success': i % 2 === 0 } });
  const llm = [1, 2].map((k) =>
    span({ traceId, parentSpanId: rootId, name: 'chat', attrs: { 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 100 * k, 'gen_ai.usage.output_tokens': 10 * k } }),
  );
  const judge = span({
    links: [{ traceId, spanId: rootId }],
    attrs: { 'gen_ai.evaluation.score.value': (i % 5) / 4, 'gen_ai.evaluation.score.label': i % 5 >= 2 ? 'pass' : 'fail', 'evaltrace.judge.name': 'j', 'evaltrace.judge.version': 'v1' },
  });
  return [root, ...llm, judge];
}

describe('idempotent ingest: retries and duplicates never change the numbers', () => {
  let c: RunningCollector;
  beforeAll(async () => {
    c = await startTestCollector();
  });
  afterAll(() => c.close());

  const triples = async (dataset: string) => (await getJson(c, `/api/triples?dataset=${dataset}`)).body.triples;

  it('counts a re-sent batch, a span re-sent in another batch and a repeated evaluation once', async () => {
    const once = Array.from({ length: 10 }, (_, i) => taskWithJudge('once', i)).flat();
    await postJson(c.url, request(once));
    const dup = Array.from({ length: 10 }, (_, i) => taskWithJudge('dup', i)).flat();
    // The same batch three times (exporter retries), then every span again, one per request, in reverse order.
    for (let i = 0; i < 3; i++) expect((await postJson(c.url, request(dup))).status).toBe(200);
    for (const s of [...dup].reverse()) await postJson(c.url, request([s]));

    const [clean] = await triples('once');
    const [retried] = await triples('dup');
    const { dataset: _a, first_seen: _b, last_seen: _c, ...expected } = clean;
    const { dataset: _d, first_seen: _e, last_seen: _f, ...actual } = retried;
    expect(actual).toEqual(expected);
    expect(retried.n_traces).toBe(10);
    expect(retried.input_tokens).toBe(10 * 300);
    expect(retried.judges[0].n_scored).toBe(10);
  });

  it('keeps the numbers after ClickHouse merges the duplicate parts away', async () => {
    const before = await triples('dup');
    await c.store.command('OPTIMIZE TABLE spans FINAL');
    await c.store.command('OPTIMIZE TABLE evaluations FINAL');
    const rows = await c.store.query<{ n: number }>("SELECT count() AS n FROM spans WHERE attributes['evaltrace.dataset.name'] = 'dup'");
    expect(rows[0]!.n).toBe(10);
    expect(await triples('dup')).toEqual(before);
  });

  it('shows a trace re-sent many times with each span once', async () => {
    const spans = taskWithJudge('trace-view', 0);
    for (let i = 0; i < 4; i++) await postJson(c.url, request(spans));
    const { body } = await getJson(c, `/api/traces/${spans[0]!.traceId}`);
    expect(body.spans).toHaveLength(3);
    expect(body.evaluations).toHaveLength(1);
  });
});
