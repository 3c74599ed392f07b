import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { getJson, startTestCollector } from '../helpers/collector.js';
import { makeSender } from '../helpers/otel.js';
import { expectTriplesMatch } from '../helpers/expect-triples.js';
import { planTasks, sendJudgements, sendTasks } from '../helpers/scenario.js';

describe('OTLP ingest from real OTel exporters into /api/triples', () => {
  let collector: RunningCollector;
  const tasks = planTasks(7, { examples: 5 });

  beforeAll(async () => {
    collector = await startTestCollector();
    const url = collector.url;
    // Tasks over four exporter set-ups: protobuf and JSON, gzip on and off, per-span and batched requests.
    const quarter = Math.ceil(tasks.length / 4);
    const parts = [
      { encoding: 'protobuf', gzip: false, batch: false },
      { encoding: 'protobuf', gzip: true, batch: true },
      { encoding: 'json', gzip: false, batch: true },
      { encoding: 'json', gzip: true, batch: false },
    ] as const;
    const roots = [];
    for (const [i, p] of parts.entries()) {
      const sender = makeSender({ url, ...p });
      roots.push(...(await sendTasks(sender, tasks.slice(i * quarter, (i + 1) * quarter))));
      await sender.shutdown();
    }
    // Judges run later, in their own traces, linked to the stored task roots.
    const judge = makeSender({ url, encoding: 'protobuf', gzip: true, batch: true });
    await sendJudgements(judge, roots, tasks, 'j1', (t) => 1 - t.scores.j1!);
    // A later re-run of judge j1 on the same traces replaces the earlier score.
    await sendJudgements(judge, roots, tasks, 'j1', (t) => t.scores.j1!, Date.UTC(2026, 9, 3));
    await sendJudgements(judge, roots, tasks, 'j2', (t) => t.scores.j2!);
    await judge.shutdown();
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

  it('keeps the same numbers after a restart on the same data directory', async () => {
    const dataDir = (collector.store as { dataDir?: string }).dataDir!;
    await collector.close();
    collector = await startTestCollector({ dataDir });
    const { body } = await getJson(collector, '/api/triples');
    expectTriplesMatch(body.triples, tasks);
  });
});
