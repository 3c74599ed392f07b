import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { getJson, startTestCollector } from '../helpers/collector.js';
import { expectTriplesMatch } from '../helpers/expect-triples.js';
import { planTasks } from '../helpers/scenario.js';
import { sendScenario } from '../helpers/send-scenario.js';

describe('OTLP ingest from real OTel exporters into /api/triples', () => {
  let collector: RunningCollector;
  const tasks = planTasks(7, { examples: 5 });

  beforeAll(async () => {
    collector = await startTestCollector();
    await sendScenario(collector.url, tasks);
  }, 120_000);

  afterAll(async () => {
    await collector?.close();
  });

  it('reports counts, tokens, cost, success, latency and per-judge-version scores per triple', async () => {
    const { status, body } = await getJson(collector, '/api/triples');
    expect(status).toBe(200);
    expectTriplesMatch(body.triples, tasks);
  });

  it('never reports judge traces as tasks', async () => {
    const { body } = await getJson(collector, '/api/triples');
    expect(body.triples.every((t: any) => t.dataset === 'support-qa')).toBe(true);
  });

  it('filters by prompt version and judge version', async () => {
    const { body } = await getJson(collector, '/api/triples?prompt=answer&prompt_version=v2&judge_version=j2');
    expect(body.triples).toHaveLength(3);
    for (const t of body.triples) {
      expect(t.prompt_version).toBe('v2');
      expect(t.judges.map((j: any) => j.judge_version)).toEqual(['j2']);
    }
  });

  it('answers a bad filter with a 400 that names it', async () => {
    const bad = await getJson(collector, '/api/triples?since=yesterday-ish');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/since/);
    const unknown = await getJson(collector, '/api/triples?datset=x');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/datset/);
  });

  it('returns one trace with its spans, resolved versions and the evaluations that target it', async () => {
    const list = await getJson(collector, '/api/traces?prompt_version=v1&limit=2');
    expect(list.status).toBe(200);
    expect(list.body.traces).toHaveLength(2);
    expect(list.body.next_cursor).toBe(list.body.traces[1].trace_id);
    const id = list.body.traces[0].trace_id;
    const { status, body } = await getJson(collector, `/api/traces/${id}`);
    expect(status).toBe(200);
    expect(body.prompt_version).toBe('v1');
    expect(body.dataset).toBe('support-qa');
    expect(body.spans.length).toBeGreaterThanOrEqual(3);
    expect(body.evaluations.filter((e: any) => e.judge_version === 'j1')).toHaveLength(2);
    expect((await getJson(collector, `/api/traces/${'f'.repeat(32)}`)).status).toBe(404);
  });

  it('lists traces newest first with order=newest, paging by start time without gaps or repeats', async () => {
    const all = (await getJson(collector, '/api/traces?limit=1000')).body.traces as Array<{ trace_id: string; start_time: string }>;
    const seen: Array<{ trace_id: string; start_time: string }> = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: any } = await getJson(collector, `/api/traces?order=newest&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.traces);
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen.map((t) => t.trace_id).sort()).toEqual(all.map((t) => t.trace_id).sort());
    const starts = seen.map((t) => Date.parse(t.start_time));
    expect(starts).toEqual([...starts].sort((x, y) => y - x));
    // A cursor of the other order is refused, not misread.
    const mixed = await getJson(collector, `/api/traces?order=newest&cursor=${all[0]!.trace_id}`);
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.message).toMatch(/same order/);
  });

  it('keeps the same numbers after a restart on the same data directory', async () => {
    const dataDir = (collector.store as { dataDir?: string }).dataDir!;
    await collector.close();
    collector = await startTestCollector({ dataDir });
    const { body } = await getJson(collector, '/api/triples');
    expectTriplesMatch(body.triples, tasks);
  });
});
