import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapCI95, pairedProportionDiffCI95, tCdf } from '../../collector/stats/index.js';
import type { RunningCollector } from '../../collector/server.js';
import { getJson, startTestCollector } from '../helpers/collector.js';
import { makeSender } from '../helpers/otel.js';
import { EVALUATION, JUDGE, MODELS, planTraces, sendAll } from './data.js';
import { avg, mcnemarExact, pairedExamples, tableOf, tInterval, winsLossesTies } from './expected.js';

const traces = planTraces();
let collector: RunningCollector;

beforeAll(async () => {
  collector = await startTestCollector();
  const sender = makeSender({ url: collector.url, encoding: 'protobuf', gzip: false, batch: true });
  await sendAll(sender, traces);
  await sender.shutdown();
}, 60_000);

afterAll(async () => {
  await collector?.close();
});

const compare = (query: string) => getJson(collector, `/api/compare/prompts?${query}`);
const close = (actual: number, expected: number, rel = 1e-6) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1e-12, Math.abs(expected)));
const closeCi = (actual: [number, number], expected: [number, number]) => {
  close(actual[0], expected[0]);
  close(actual[1], expected[1]);
};

/** p of the paired t from its t statistic and df (the t CDF itself is pinned down in test/stats.test.ts). */
const pOf = (t: number, df: number) => 2 * (1 - tCdf(Math.abs(t), df)!);

describe('GET /api/compare/prompts on 2 versions × 2 models × 60 examples, one run each', () => {
  for (const judge of ['j1', 'j2'] as const) {
    it(`pairs by example and reports mean delta b − a, its t CI, paired-t p and wins/losses/ties per model (judge ${judge})`, async () => {
      const { status, body } = await compare(`prompt=answer&a=v1&b=v2&judge=${JUDGE}&judge_version=${judge}`);
      expect(status).toBe(200);
      expect(body.score).toEqual({ judge: JUDGE, judge_version: judge, evaluation: EVALUATION });
      expect(body.models.map((m: any) => m.model)).toEqual([...MODELS]);
      for (const model of MODELS) {
        const e = pairedExamples(traces, 'answer', model, judge);
        const m = body.models.find((x: any) => x.model === model);
        const d = e.pairs.map(([a, b]) => b.score - a.score);
        const ti = tInterval(d);
        expect(m.n_pairs).toBe(60);
        expect(m.n_scored_pairs).toBe(60);
        expect(m.unpaired).toEqual({ a_only: 0, b_only: 0, no_example_id_a: 0, no_example_id_b: 0 });
        close(m.mean_a, avg(e.pairs.map(([a]) => a.score)));
        close(m.mean_b, avg(e.pairs.map(([, b]) => b.score)));
        close(m.mean_delta, ti.mean);
        closeCi(m.ci95, ti.ci95);
        close(m.p_value, pOf(ti.t, ti.df), 1e-4);
        expect({ wins: m.wins, losses: m.losses, ties: m.ties }).toEqual(winsLossesTies(d));
      }
    });
  }

  it('compares pass rates on the same examples with McNemar exact p and the Newcombe paired interval', async () => {
    const { body } = await compare(`prompt=answer&a=v1&b=v2&judge=${JUDGE}&judge_version=j1`);
    for (const model of MODELS) {
      const e = pairedExamples(traces, 'answer', model, 'j1');
      const table = tableOf(e.pairs.map(([a, b]) => [a.pass === 1, b.pass === 1]));
      const p = body.models.find((x: any) => x.model === model).pass_rate;
      expect(p.confusion).toEqual(table);
      close(p.rate_a, (table.pass_pass + table.pass_fail) / 60);
      close(p.rate_b, (table.pass_pass + table.fail_pass) / 60);
      close(p.delta, (table.fail_pass - table.pass_fail) / 60);
      close(p.p_value, mcnemarExact(table.pass_fail, table.fail_pass), 1e-9);
      closeCi(p.ci95, pairedProportionDiffCI95(table).ci95!);
      expect([p.wins, p.losses]).toEqual([table.fail_pass, table.pass_fail]);
      expect(p.method).toMatch(/Newcombe/);
    }
  });

  it('compares cost per task, tokens and latency as paired means, with the ratio of costs', async () => {
    const { body } = await compare(`prompt=answer&a=v1&b=v2&judge=${JUDGE}&judge_version=j1`);
    for (const model of MODELS) {
      const { pairs } = pairedExamples(traces, 'answer', model, 'j1');
      const m = body.models.find((x: any) => x.model === model);
      for (const [field, of] of [
        ['cost_per_task', (x: { cost: number }) => x.cost],
        ['input_tokens', (x: { input: number }) => x.input],
        ['output_tokens', (x: { output: number }) => x.output],
        ['latency_ms', (x: { latency: number }) => x.latency],
      ] as const) {
        const ti = tInterval(pairs.map(([a, b]) => of(b) - of(a)));
        close(m[field].mean_a, avg(pairs.map(([a]) => of(a))));
        close(m[field].mean_b, avg(pairs.map(([, b]) => of(b))));
        close(m[field].mean_delta, ti.mean);
        closeCi(m[field].ci95, ti.ci95);
      }
      close(m.cost_per_task.ratio, avg(pairs.map(([, b]) => b.cost)) / avg(pairs.map(([a]) => a.cost)));
    }
  });

  it('reports cost per success of each side with a seeded bootstrap CI of the delta and the ratio, and says how', async () => {
    const { body } = await compare(`prompt=answer&a=v1&b=v2&judge=${JUDGE}&judge_version=j1`);
    for (const model of MODELS) {
      const { pairs } = pairedExamples(traces, 'answer', model, 'j1');
      const cps = (side: 0 | 1, idx: number[]) => {
        const cost = idx.reduce((s, i) => s + pairs[i]![side].cost, 0);
        const wins = idx.reduce((s, i) => s + pairs[i]![side].success, 0);
        return wins > 0 ? cost / wins : null;
      };
      const all = pairs.map((_, i) => i);
      const c = body.models.find((x: any) => x.model === model).cost_per_success;
      close(c.a, cps(0, all)!);
      close(c.b, cps(1, all)!);
      close(c.delta, cps(1, all)! - cps(0, all)!);
      close(c.ratio, cps(1, all)! / cps(0, all)!);
      // The documented method: 2000 resamples of whole pairs in example-id order, seed 20261.
      const delta = bootstrapCI95((idx) => (cps(1, Array.from(idx)) ?? NaN) - (cps(0, Array.from(idx)) ?? NaN), pairs.length, { iterations: 2000, seed: 20261 });
      const ratio = bootstrapCI95((idx) => (cps(1, Array.from(idx)) ?? NaN) / (cps(0, Array.from(idx)) ?? NaN), pairs.length, { iterations: 2000, seed: 20261 });
      closeCi(c.delta_ci95, delta.ci95!);
      closeCi(c.ratio_ci95, ratio.ci95!);
      expect(c.delta_ci95[0]).toBeLessThan(c.delta);
      expect(c.delta_ci95[1]).toBeGreaterThan(c.delta);
      expect(c.method).toMatch(/bootstrap.*2000.*seed 20261/);
    }
  });
});

describe('GET /api/compare/prompts with repeats, one-sided examples and traces without an example id', () => {
  it('averages repeats per example first and counts what cannot be paired instead of mixing it in', async () => {
    const { body } = await compare(`prompt=summarize&a=v1&b=v2&judge=${JUDGE}&judge_version=j2`);
    for (const model of MODELS) {
      const e = pairedExamples(traces, 'summarize', model, 'j2');
      const m = body.models.find((x: any) => x.model === model);
      expect(e.pairs).toHaveLength(12);
      expect(m.n_pairs).toBe(12);
      expect([m.n_traces_a, m.n_traces_b]).toEqual([e.tracesA, e.tracesB]);
      expect(m.unpaired).toEqual({ a_only: e.aOnly, b_only: e.bOnly, no_example_id_a: e.noExampleA, no_example_id_b: e.noExampleB });
      expect(m.unpaired).toEqual({ a_only: 1, b_only: 1, no_example_id_a: 2, no_example_id_b: 1 });
      const ti = tInterval(e.pairs.map(([a, b]) => b.score - a.score));
      close(m.mean_delta, ti.mean);
      closeCi(m.ci95, ti.ci95);
      close(m.pass_rate.rate_b, avg(e.pairs.map(([, b]) => b.pass)));
      close(m.cost_per_task.mean_delta, avg(e.pairs.map(([a, b]) => b.cost - a.cost)));
    }
  });

  it('compares pass fractions with a paired t interval and McNemar on majority outcomes when repeats disagree', async () => {
    const { body } = await compare(`prompt=summarize&a=v1&b=v2&judge=${JUDGE}&judge_version=j2`);
    let checked = 0;
    for (const model of MODELS) {
      const { pairs } = pairedExamples(traces, 'summarize', model, 'j2');
      const p = body.models.find((x: any) => x.model === model).pass_rate;
      const fractional = pairs.some(([a, b]) => ![0, 1].includes(a.pass) || ![0, 1].includes(b.pass));
      if (!fractional) continue;
      checked += 1;
      const table = tableOf(pairs.map(([a, b]) => [a.pass > 0.5, b.pass > 0.5]));
      expect(p.confusion).toEqual(table);
      close(p.p_value, mcnemarExact(table.pass_fail, table.fail_pass), 1e-9);
      closeCi(p.ci95, tInterval(pairs.map(([a, b]) => b.pass - a.pass)).ci95);
      expect(p.method).toMatch(/majority/);
    }
    // The plan's repeats must disagree somewhere, or this test would prove nothing.
    expect(checked).toBeGreaterThan(0);
  });
});

describe('GET /api/compare/prompts: which score, and bad requests', () => {
  it('asks for a choice, listing every judge version and evaluation, when the traces carry several scores', async () => {
    const { status, body } = await compare('prompt=answer&a=v1&b=v2');
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_request');
    for (const choice of ['judge_version=j1 evaluation=correctness', 'judge_version=j2 evaluation=correctness', 'judge_version=s1 evaluation=tone']) {
      expect(body.error.message).toContain(choice);
    }
    expect((await compare(`prompt=answer&a=v1&b=v2&judge=${JUDGE}`)).status).toBe(400);
  });

  it('compares cost and tokens without quality when no judge scored the traces', async () => {
    const { status, body } = await compare('prompt=draft&a=v1&b=v2');
    expect(status).toBe(200);
    expect(body.score).toBeNull();
    for (const m of body.models) {
      expect(m.n_pairs).toBe(4);
      expect(m.n_scored_pairs).toBe(0);
      expect(m.mean_delta).toBeNull();
      expect(m.ci95).toBeNull();
      expect(m.pass_rate).toBeNull();
      expect(m.cost_per_task.n_pairs).toBe(4);
    }
  });

  it('answers 400 naming the judge filter when it matches no score', async () => {
    const { status, body } = await compare('prompt=answer&a=v1&b=v2&judge=nobody');
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/judge/);
  });

  it('answers 400 when the judge filter matches a score of the project that never judged the compared traces', async () => {
    // Only s1 (tone) matches in the project, and it judged the "answer" prompt, not "draft".
    const { status, body } = await compare('prompt=draft&a=v1&b=v2&judge_version=s1');
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/no evaluation matches/);
  });

  it('answers 400 naming the parameter for missing, unknown, equal or malformed parameters', async () => {
    const cases: [string, RegExp][] = [
      ['a=v1&b=v2', /prompt/],
      ['prompt=answer&a=v1', /"b"/],
      ['prompt=answer&a=v1&b=v1', /different/],
      ['prompt=answer&a=v1&b=v2&judge=x&prompt_version=v1', /prompt_version/],
      ['prompt=answer&a=v1&b=v2&since=someday', /since/],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await compare(query);
      expect(status, query).toBe(400);
      expect(body.error.code).toBe('invalid_request');
      expect(body.error.message).toMatch(message);
    }
  });

  it('returns no models, not an error, when the filters match no trace', async () => {
    const { status, body } = await compare('prompt=answer&a=v1&b=v2&dataset_version=1999&judge=x');
    expect(status).toBe(200);
    expect(body.models).toEqual([]);
  });
});
