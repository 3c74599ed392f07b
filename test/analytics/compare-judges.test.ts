import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tCdf } from '../../collector/stats/index.js';
import type { RunningCollector } from '../../collector/server.js';
import { getJson, startTestCollector } from '../helpers/collector.js';
import { makeSender } from '../helpers/otel.js';
import { EVALUATION, explanationOf, JUDGE, MODELS, type PlannedTrace, passed, planTraces, sendAll } from './data.js';
import { avg, kappaOf, pearsonR, tableOf, tInterval } from './expected.js';

const traces = planTraces();
/** The acceptance shape: two judge versions on the same 240 fixed traces. */
const fixed = traces.filter((t) => t.prompt === 'answer');
let collector: RunningCollector;

beforeAll(async () => {
  collector = await startTestCollector();
  const sender = makeSender({ url: collector.url, encoding: 'json', gzip: true, batch: true });
  await sendAll(sender, traces);
  await sender.shutdown();
}, 60_000);

afterAll(async () => {
  await collector?.close();
});

const compare = (query: string) => getJson(collector, `/api/compare/judges?${query}`);
const close = (actual: number, expected: number, rel = 1e-9) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1e-12, Math.abs(expected)));
const keyOf = (x: { model: string; prompt_version: string; example_id: string }) => `${x.model}|${x.prompt_version}|${x.example_id}`;
const planKey = (t: PlannedTrace) => `${t.model}|${t.promptVersion}|${t.exampleId}`;

describe('GET /api/compare/judges: j1 vs j2 on the same 240 fixed traces', () => {
  it('reports agreement, Cohen kappa, the confusion table, Pearson r and the mean score delta with its t CI', async () => {
    const { status, body } = await compare(`judge=${JUDGE}&a=j1&b=j2&prompt=answer`);
    expect(status).toBe(200);
    expect(fixed).toHaveLength(240);
    const table = tableOf(fixed.map((t) => [passed(t, 'j1'), passed(t, 'j2')]));
    const { agreement, kappa } = kappaOf(table);
    const d = fixed.map((t) => t.scores.j2 - t.scores.j1);
    const ti = tInterval(d);
    expect(body.evaluation).toBe(EVALUATION);
    expect(body.n).toBe(240);
    expect(body.n_labeled).toBe(240);
    expect(body.confusion).toEqual(table);
    close(body.agreement, agreement);
    close(body.cohen_kappa, kappa);
    expect(body.kappa_reason).toBeNull();
    close(body.pearson, pearsonR(fixed.map((t) => t.scores.j1), fixed.map((t) => t.scores.j2)));
    close(body.mean_a, avg(fixed.map((t) => t.scores.j1)));
    close(body.mean_b, avg(fixed.map((t) => t.scores.j2)));
    close(body.mean_delta, ti.mean);
    close(body.ci95[0], ti.ci95[0]);
    close(body.ci95[1], ti.ci95[1]);
    close(body.p_value, 2 * (1 - tCdf(Math.abs(ti.t), ti.df)!), 1e-6);
  });

  it('lists every disagreement once, in trace-id order, page by page, with both labels, scores and explanations', async () => {
    const expected = fixed.filter((t) => passed(t, 'j1') !== passed(t, 'j2'));
    expect(expected.length).toBeGreaterThan(10);
    const seen: any[] = [];
    let cursor = '';
    for (let page = 0; page < 20; page++) {
      const { status, body } = await compare(`judge=${JUDGE}&a=j1&b=j2&prompt=answer&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(status).toBe(200);
      expect(body.n_disagreements).toBe(expected.length);
      expect(body.disagreements.length).toBeLessThanOrEqual(7);
      seen.push(...body.disagreements);
      if (!body.next_cursor) break;
      cursor = body.next_cursor;
    }
    expect(seen.map((x) => x.trace_id)).toEqual(seen.map((x) => x.trace_id).sort());
    expect(seen.map(keyOf).sort()).toEqual(expected.map(planKey).sort());
    for (const x of seen) {
      const t = expected.find((p) => planKey(p) === keyOf(x))!;
      expect(x).toMatchObject({
        dataset: 'support-qa',
        prompt: 'answer',
        passed_a: passed(t, 'j1'),
        passed_b: passed(t, 'j2'),
        label_a: passed(t, 'j1') ? 'pass' : 'fail',
        label_b: passed(t, 'j2') ? 'pass' : 'fail',
        score_a: t.scores.j1,
        score_b: t.scores.j2,
        explanation_a: explanationOf(t, 'j1'),
        explanation_b: explanationOf(t, 'j2'),
      });
    }
  });

  it('shows pass rate under each judge version per triple and whether the new judge changes which prompt version wins', async () => {
    const { body } = await compare(`judge=${JUDGE}&a=j1&b=j2&prompt=answer`);
    expect(body.by_triple).toHaveLength(4);
    for (const model of MODELS) {
      const rate = (v: string, j: 'j1' | 'j2') => {
        const ts = fixed.filter((t) => t.model === model && t.promptVersion === v);
        return ts.filter((t) => passed(t, j)).length / ts.length;
      };
      for (const v of ['v1', 'v2']) {
        const row = body.by_triple.find((r: any) => r.model === model && r.prompt_version === v);
        expect(row.n).toBe(60);
        close(row.pass_rate_a, rate(v, 'j1'));
        close(row.pass_rate_b, rate(v, 'j2'));
      }
      const best = (j: 'j1' | 'j2') => (rate('v1', j) > rate('v2', j) ? 'v1' : rate('v2', j) > rate('v1', j) ? 'v2' : null);
      const conclusion = body.conclusions.find((c: any) => c.model === model);
      expect(conclusion).toMatchObject({ prompt: 'answer', prompt_versions: ['v1', 'v2'], best_a: best('j1'), best_b: best('j2'), basis: 'pass_rate' });
      expect(conclusion.changed).toBe(best('j1') !== best('j2'));
    }
  });
});

describe('GET /api/compare/judges: which evaluation, degenerate cases and bad requests', () => {
  it('asks for evaluation, listing the names both versions gave, when there are several', async () => {
    const { status, body } = await compare('judge=style-judge&a=s1&b=s2');
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/evaluation=brevity/);
    expect(body.error.message).toMatch(/evaluation=tone/);
    const picked = await compare('judge=style-judge&a=s1&b=s2&evaluation=tone');
    expect(picked.status).toBe(200);
    expect(picked.body.evaluation).toBe('tone');
    expect(picked.body.n).toBe(5);
  });

  it('gives kappa and Pearson r as null with a reason, never NaN, when both versions give one label and one score', async () => {
    const { status, body } = await compare('judge=constant-judge&a=c1&b=c2');
    expect(status).toBe(200);
    expect(body.n).toBe(6);
    expect(body.agreement).toBe(1);
    expect(body.cohen_kappa).toBeNull();
    expect(body.kappa_reason).toMatch(/same single label/);
    expect(body.pearson).toBeNull();
    expect(body.pearson_reason).toMatch(/same score/);
    expect(body.mean_delta).toBe(0);
    expect(body.n_disagreements).toBe(0);
  });

  it('answers an unknown judge with n = 0 and nulls', async () => {
    const { status, body } = await compare('judge=nobody&a=x&b=y');
    expect(status).toBe(200);
    expect(body).toMatchObject({ n: 0, evaluation: null, agreement: null, cohen_kappa: null, pearson: null, mean_delta: null, ci95: null, disagreements: [] });
  });

  it('answers 400 naming the parameter for missing, unknown, equal or malformed parameters', async () => {
    const cases: [string, RegExp][] = [
      ['a=j1&b=j2', /judge/],
      [`judge=${JUDGE}&a=j1&b=j1`, /different/],
      [`judge=${JUDGE}&a=j1&b=j2&limit=0`, /limit/],
      [`judge=${JUDGE}&a=j1&b=j2&cursor=nope`, /cursor/],
      [`judge=${JUDGE}&a=j1&b=j2&judge_version=j1`, /judge_version/],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await compare(query);
      expect(status, query).toBe(400);
      expect(body.error.message).toMatch(message);
    }
  });
});
