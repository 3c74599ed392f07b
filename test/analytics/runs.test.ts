import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import type { Telemetry } from '../../src/index.js';
import { startTestCollector } from '../helpers/collector.js';
import { ITEMS, itemId, PLAN, perItem, REPEATS, type RunName, sendRuns } from '../helpers/runs-plan.js';
import type { MockLlm } from '../sdk/helpers/mock-llm.js';
import { num, signed } from '../../collector/cli/format.js';
import { avg, sampleSd, T975 } from './expected.js';

/**
 * Two runs of one dataset through the real SDK (runExperiment, a wrapped
 * openai client against a mock LLM, recordEvaluation) into a real collector;
 * the runs API must answer what the plan (test/helpers/runs-plan.ts) gives by hand.
 */

const API_KEY = 'k-runs';

let collector: RunningCollector;
let llm: MockLlm;
let telemetry: Telemetry;

async function api(path: string, status = 200) {
  const res = await fetch(collector.url + path, { headers: { Authorization: `Bearer ${API_KEY}` } });
  const body = (await res.json()) as any;
  expect(res.status, `${path}: ${JSON.stringify(body).slice(0, 300)}`).toBe(status);
  return body;
}

beforeAll(async () => {
  collector = await startTestCollector({ env: { EVALTRACE_API_KEYS: `${API_KEY}:acme` } });
  ({ telemetry, llm } = await sendRuns(collector.url, API_KEY));
}, 120_000);

afterAll(async () => {
  await telemetry?.shutdown();
  await llm?.close();
  await collector?.close();
});


describe('GET /api/runs', () => {
  it('lists each run once with its repeats pooled, newest first, with counts, success, scores and envelope from the plan', async () => {
    const { runs } = await api('/api/runs');
    expect(runs.map((r: any) => r.run_id)).toEqual(['other', 'cand', 'base']);
    const base = runs.find((r: any) => r.run_id === 'base');
    const scores = Array.from({ length: ITEMS }, (_, i) => [1, 2].map((r) => PLAN.base.score(i, r))).flat();
    expect(base).toMatchObject({
      run_ids: ['base/1', 'base/2'],
      dataset: 'support',
      dataset_version: 'd1',
      model: 'gpt-4o-mini',
      prompt: 'answer',
      prompt_version: 'v1',
      mixed: [],
      n_examples: ITEMS,
      no_example_id: 0,
      n_traces: ITEMS * REPEATS,
      n_success: 9 * REPEATS,
      success_rate: 9 / ITEMS,
      code_version: 'abc123',
      seed: '7',
    });
    expect(base.env.runtime).toBe(`node ${process.versions.node}`);
    expect(base.cost_per_success).toBeCloseTo(base.cost_usd / (9 * REPEATS), 12);
    const [judge] = base.judges;
    expect(judge).toMatchObject({ judge: 'grader', judge_version: 'g1', evaluation: 'quality', n_scored: scores.length });
    expect(judge.score_mean).toBeCloseTo(avg(scores), 12);
    const half = (T975[scores.length - 1]! * sampleSd(scores)) / Math.sqrt(scores.length);
    expect(judge.score_ci95[0]).toBeCloseTo(avg(scores) - half, 10);
    expect(judge.score_ci95[1]).toBeCloseTo(avg(scores) + half, 10);
    expect(judge.pass_rate).toBeCloseTo(scores.filter((s) => s >= 0.5).length / scores.length, 12);
    expect(Date.parse(base.finished)).toBeGreaterThanOrEqual(Date.parse(base.started));
  });

  it('tells runs apart by configuration: model and request parameters, hashed, filterable', async () => {
    const { runs } = await api('/api/runs');
    const [base, cand] = ['base', 'cand'].map((id) => runs.find((r: any) => r.run_id === id));
    expect(base.configs).toHaveLength(1);
    expect(base.configs[0]).toMatchObject({ model: 'gpt-4o-mini', n_traces: ITEMS * REPEATS });
    expect(base.configs[0].params.temperature).toBe(0.2);
    expect(cand.configs[0].params.temperature).toBe(0.7);
    expect(base.configs[0].config_hash).not.toBe(cand.configs[0].config_hash);
    const filtered = await api(`/api/runs?config=${cand.configs[0].config_hash}`);
    expect(filtered.runs.map((r: any) => r.run_id)).toEqual(['cand']);
  });

  it('gives every trace filter (triples, traces, comparisons, gates) the run and the configuration', async () => {
    const { runs } = await api('/api/runs');
    const cand = runs.find((r: any) => r.run_id === 'cand');
    const byRun = await api('/api/triples?run=base');
    expect(byRun.triples.map((t: any) => [t.dataset_version, t.n_traces, t.n_success])).toEqual([['d1', ITEMS * REPEATS, 9 * REPEATS]]);
    const byConfig = await api(`/api/triples?config=${cand.configs[0].config_hash}`);
    expect(byConfig.triples.map((t: any) => [t.dataset_version, t.n_traces, t.n_success])).toEqual([['d1', ITEMS * REPEATS, Array.from({ length: ITEMS }, (_, i) => i).filter(PLAN.cand.success).length * REPEATS]]);
  });

  it('answers a malformed filter with a 400 naming it', async () => {
    const body = await api('/api/runs?config=nothex', 400);
    expect(body.error.message).toMatch(/config/);
  });
});

describe('GET /api/runs/{id}', () => {
  it('shows one run with its items, repeats pooled per item, and their captured content', async () => {
    const body = await api('/api/runs/base?limit=5&offset=2');
    expect(body.n_items).toBe(ITEMS);
    expect(body.items.map((i: any) => i.example_id)).toEqual(['q02', 'q03', 'q04', 'q05', 'q06']);
    const item = body.items[0];
    expect(item).toMatchObject({ n_traces: REPEATS, n_success: REPEATS, input: 'question 2' });
    expect(item.trace_ids).toHaveLength(REPEATS);
    expect(item.scores[0].score).toBeCloseTo(avg([PLAN.base.score(2, 1), PLAN.base.score(2, 2)]), 12);
    expect(body.envelope.find((e: any) => e.key === 'evaltrace.code.version').values).toEqual([{ value: 'abc123', n_traces: ITEMS * REPEATS }]);
  });

  it('is a 404 for a run the project does not have', async () => {
    const body = await api('/api/runs/nope', 404);
    expect(body.error.message).toMatch(/nope/);
  });
});

describe('GET /api/compare/runs', () => {
  it('pairs the runs item by item: score, pass and success deltas with the t interval and worst items first', async () => {
    const body = await api('/api/compare/runs?a=base&b=cand');
    const d = perItem((i, r) => PLAN.cand.score(i, r) - PLAN.base.score(i, r));
    const half = (T975[ITEMS - 1]! * sampleSd(d)) / Math.sqrt(ITEMS);
    expect(body).toMatchObject({ n_pairs: ITEMS, n_scored_pairs: ITEMS, score: { judge: 'grader', judge_version: 'g1', evaluation: 'quality' } });
    expect(body.a.run_id).toBe('base');
    expect(body.mean_delta).toBeCloseTo(avg(d), 12);
    expect(body.ci95[0]).toBeCloseTo(avg(d) - half, 10);
    expect(body.ci95[1]).toBeCloseTo(avg(d) + half, 10);
    expect(body.wins).toBe(d.filter((x) => x > 0).length);
    expect(body.losses).toBe(d.filter((x) => x < 0).length);

    const success = (p: (typeof PLAN)[RunName]) => Array.from({ length: ITEMS }, (_, i) => (p.success(i) ? 1 : 0));
    expect(body.success.rate_a).toBeCloseTo(avg(success(PLAN.base)), 12);
    expect(body.success.rate_b).toBeCloseTo(avg(success(PLAN.cand)), 12);
    expect(body.success.confusion).toEqual({ pass_pass: 8, pass_fail: 1, fail_pass: 1, fail_fail: 2 });

    const worst = d.map((x, i) => ({ x, id: itemId(i) })).sort((p, q) => Math.round(p.x * 1e9) - Math.round(q.x * 1e9) || (p.id < q.id ? -1 : 1));
    expect(body.n_items).toBe(ITEMS);
    expect(body.items.map((i: any) => i.example_id)).toEqual(worst.map((w) => w.id));
    expect(body.items[0].delta).toBeCloseTo(worst[0]!.x, 12);
    expect(body.items[0]).toMatchObject({ metric: 'score', a: { input: `question ${Number(worst[0]!.id.slice(1))}` } });
    expect(body.items[0].a.output).toContain('question');
    expect(body.items[0].b.output).toContain('question');
  });

  it('refuses to pair runs over different dataset versions with a 409 naming both', async () => {
    const body = await api('/api/compare/runs?a=base&b=other', 409);
    expect(body.error).toMatchObject({ code: 'dataset_mismatch' });
    expect(body.error.message).toMatch(/support@d1.*support@d2/);
  });

  it('answers an unknown run with a 404 and the same run twice with a 400', async () => {
    expect((await api('/api/compare/runs?a=base&b=nope', 404)).error.message).toMatch(/nope/);
    expect((await api('/api/compare/runs?a=base&b=base', 400)).error.message).toMatch(/different runs/);
  });
});

describe('evaltrace runs / compare runs (CLI)', () => {
  const BIN = join(import.meta.dirname, '../../collector/bin/evaltrace.mjs');
  const cli = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', EVALTRACE_URL: collector.url, EVALTRACE_API_KEY: API_KEY } }, (err, stdout, stderr) =>
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
      ),
    );

  it('lists the runs newest first, one line each', async () => {
    const r = await cli(['runs']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => /^(other|cand|base)\s/.test(l));
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(['other', 'cand', 'base']);
    expect(lines[2]).toContain('support@d1');
    expect(lines[2]).toContain('75.0%');
  });

  it('compares two runs with the paired score delta and the items that got worse', async () => {
    const r = await cli(['compare', 'runs', 'base', 'cand']);
    expect(r.code, r.stderr).toBe(0);
    const d = perItem((i, rep) => PLAN.cand.score(i, rep) - PLAN.base.score(i, rep));
    expect(r.stdout).toContain(`runs: ${ITEMS} paired examples`);
    expect(r.stdout.split('\n').find((l) => l.startsWith('score '))).toContain(signed(avg(d)));
    expect(r.stdout).toContain('items that got worse');
    const refused = await cli(['compare', 'runs', 'base', 'other']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/different dataset contents|cannot be paired/);
  });

  it('runs show prints one run with its envelope, configuration, scores and every item; runs list and runs compare answer as runs and compare runs', async () => {
    const [shown, page, list, runs, compared, compare] = await Promise.all([
      cli(['runs', 'show', 'base']),
      cli(['runs', 'show', 'base', '--limit', '3', '--offset', '2']),
      cli(['runs', 'list']),
      cli(['runs']),
      cli(['runs', 'compare', 'base', 'cand']),
      cli(['compare', 'runs', 'base', 'cand']),
    ]);
    for (const r of [shown, page, list, compared]) expect(r.code, r.stderr).toBe(0);
    const detail = await api('/api/runs/base');
    expect(shown.stdout).toMatch(/^run base \(2 repeats\) on support@d1, gpt-4o-mini, prompt answer@v1$/m);
    expect(shown.stdout).toContain(`${ITEMS * REPEATS} traces over ${ITEMS} items, success 75.0%`);
    expect(shown.stdout).toMatch(/^code abc123 {2}seed 7 /m);
    expect(shown.stdout).toContain(`config ${detail.configs[0].config_hash}: gpt-4o-mini`);
    const itemRows = shown.stdout.split('\n').filter((l) => /^q\d+\s/.test(l));
    expect(itemRows.map((l) => l.split(/\s+/)[0])).toEqual(detail.items.map((i: any) => i.example_id));
    expect(itemRows).toHaveLength(ITEMS);
    const expected = perItem((i, r) => PLAN.base.score(i, r));
    for (const row of itemRows) {
      const [id, traces, success, , , score] = row.split(/\s+/);
      const i = Number(id!.slice(1));
      expect([traces, success, score]).toEqual([String(REPEATS), PLAN.base.success(i) ? '2/2' : '0/2', num(expected[i]!)]);
    }
    const paged = page.stdout.split('\n').filter((l) => /^q\d+\s/.test(l)).map((l) => l.split(/\s+/)[0]);
    expect(paged).toEqual(detail.items.slice(2, 5).map((i: any) => i.example_id));
    expect(page.stdout).toContain(`(3 of ${ITEMS} items; page with --limit and --offset)`);
    expect(list.stdout).toBe(runs.stdout);
    expect(compared.stdout).toBe(compare.stdout);
    const missing = await cli(['runs', 'show', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/404.*run nope not found/);
  });

  it('lists one run\'s traces a page at a time, with the cursor of the next', async () => {
    const page = await cli(['traces', '--run', 'base', '--limit', '5']);
    expect(page.code, page.stderr).toBe(0);
    expect(page.stdout.split('\n').filter((l) => /^[0-9a-f]{32}\s/.test(l))).toHaveLength(5);
    expect(page.stdout).toMatch(/^more: --cursor [0-9a-f]{32}$/m);
    const all = await cli(['traces', '--run', 'base', '--limit', '1000']);
    expect(all.stdout.split('\n').filter((l) => /^[0-9a-f]{32}\s/.test(l))).toHaveLength(ITEMS * REPEATS);
  });
});
