import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interval } from '../../collector/cli/format.js';
import type { RunningCollector } from '../../collector/server.js';
import { getJson, startTestCollector } from '../helpers/collector.js';
import { type GateTask, sendGateTasks } from '../helpers/gate-scenarios.js';

/**
 * Degenerate and small samples, answered honestly: no interval where none
 * is defined (n = 1, zero variance) and the reason why, a flag and a note
 * below the minimum n, intervals of [0, 1] scores kept inside [0, 1], and
 * wins and losses that follow each metric's better direction.
 */
const task = (datasetVersion: string, exampleId: string, promptVersion: string, score: number, o: Partial<GateTask> = {}): GateTask => ({
  datasetVersion,
  exampleId,
  model: 'gpt-x',
  promptVersion,
  score,
  success: true,
  costUsd: 0.004,
  latencyMs: 800,
  ...o,
});

const TASKS: GateTask[] = [
  task('one', 'e1', 'v1', 0.7),
  task('two', 'e1', 'v1', 0.2),
  task('two', 'e2', 'v1', 0.9),
  ...['e1', 'e2', 'e3'].map((e) => task('flat', e, 'v1', 1)),
  // The same +0.15 on both examples (in floating point, 0.15 and 0.15000000000000002), cheaper and faster.
  task('pair', 'e1', 'v1', 0.5),
  task('pair', 'e2', 'v1', 0.6),
  task('pair', 'e1', 'v2', 0.65, { costUsd: 0.002, latencyMs: 400 }),
  task('pair', 'e2', 'v2', 0.75, { costUsd: 0.002, latencyMs: 400 }),
  task('tie', 'e1', 'v1', 0.5),
  task('tie', 'e2', 'v1', 0.6),
  task('tie', 'e1', 'v2', 0.5),
  task('tie', 'e2', 'v2', 0.6),
];

describe('small and degenerate samples', () => {
  let c: RunningCollector;
  beforeAll(async () => {
    c = await startTestCollector();
    await sendGateTasks(c.url, TASKS);
  });
  afterAll(async () => {
    await c.close();
  });

  const judgeOf = async (datasetVersion: string) => {
    const { body } = await getJson(c, `/api/triples?dataset_version=${datasetVersion}`);
    expect(body.triples, datasetVersion).toHaveLength(1);
    return body.triples[0].judges[0];
  };
  const comparison = async (datasetVersion: string) => {
    const { status, body } = await getJson(c, `/api/compare/prompts?prompt=answer&a=v1&b=v2&dataset_version=${datasetVersion}`);
    expect(status).toBe(200);
    return body.models[0];
  };

  it('gives no score interval from one trace, and says an interval needs 2', async () => {
    const j = await judgeOf('one');
    expect(j).toMatchObject({ n_scored: 1, score_mean: 0.7, score_ci95: null, low_n: true });
    expect(j.ci_note).toBe('n = 1: an interval needs at least 2 values; n = 1 < 10: the t interval is unreliable at this sample size');
  });

  it('keeps the interval of two [0, 1] scores inside [0, 1], flagged low n and clipped', async () => {
    const j = await judgeOf('two');
    // The t interval of 0.2 and 0.9 is about [−3.9, 5.0].
    expect(j.score_ci95).toEqual([0, 1]);
    expect(j.low_n).toBe(true);
    expect(j.ci_note).toBe("clipped to the values' range [0, 1]; n = 2 < 10: the t interval is unreliable at this sample size");
  });

  it('gives no interval, not a point interval, when every score is the same', async () => {
    const j = await judgeOf('flat');
    expect(j).toMatchObject({ n_scored: 3, score_mean: 1, score_ci95: null, low_n: true });
    expect(j.ci_note).toMatch(/^zero variance: every value is 1;/);
    const prompts = await getJson(c, '/api/prompts?prompt=answer&dataset_version=flat');
    expect(prompts.body.versions[0].quality[0]).toMatchObject({ ci95: null, low_n: true, ci_note: j.ci_note });
  });

  it('answers identical paired differences with p and CI null and the reason, not p = 0 and [+0.15, +0.15]', async () => {
    const m = await comparison('pair');
    expect(m.n_pairs).toBe(2);
    expect(m.mean_delta).toBeCloseTo(0.15, 12);
    expect(m).toMatchObject({ ci95: null, p_value: null, low_n: true, better: 'higher', wins: 2, losses: 0 });
    expect(m.note).toMatch(/^zero variance: every paired difference is 0\.15; n = 2 < 10/);
  });

  it('flags a cost-per-success bootstrap from two examples as low n', async () => {
    const m = await comparison('pair');
    expect(m.cost_per_success.low_n).toBe(true);
    expect(m.cost_per_success.note).toBe('n = 2 < 20: the bootstrap interval is unreliable at this sample size');
    expect(m.pass_rate.low_n).toBe(true);
  });

  it('counts the cheaper and faster version as winning on cost, tokens and latency', async () => {
    const m = await comparison('pair');
    expect(m.cost_per_task).toMatchObject({ better: 'lower', wins: 2, losses: 0, ties: 0 });
    expect(m.latency_ms).toMatchObject({ better: 'lower', wins: 2, losses: 0 });
    expect(m.input_tokens).toMatchObject({ better: 'lower', wins: 0, losses: 0, ties: 2 });
  });

  it('answers all ties with no p-value or interval, every pair a tie', async () => {
    const m = await comparison('tie');
    expect(m).toMatchObject({ mean_delta: 0, ci95: null, p_value: null, wins: 0, losses: 0, ties: 2 });
    expect(m.note).toMatch(/^zero variance: every paired difference is 0/);
  });

  it('decides a gate on an exact change, saying there is no interval', async () => {
    const side = (v: string) => ({ dataset_version: 'pair', prompt_version: v, model: 'gpt-x' });
    const res = await fetch(`${c.url}/api/gates/evaluate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        baseline: side('v1'),
        candidate: side('v2'),
        rules: [{ metric: 'score_mean', direction: 'higher_is_better', margin: { absolute: 0.01 }, severity: 'block' }],
        min_n: 2,
      }),
    });
    const body = (await res.json()) as { decision: string; checks: Array<{ ci95: unknown; ci_note: string; outcome: string; reason: string }> };
    expect(body.checks[0]).toMatchObject({ ci95: null, outcome: 'pass' });
    expect(body.checks[0]!.ci_note).toMatch(/^zero variance/);
    expect(body.checks[0]!.reason).toMatch(/changed by exactly 0\.15 \(no spread, so no interval\)/);
  });

  it('tags such intervals in the CLI instead of printing them bare', () => {
    expect(interval(null, undefined, { low_n: true, note: 'zero variance: every paired difference is 0.15; n = 2 < 10: …' })).toBe('— (zero variance, low n)');
    expect(interval([0, 1], (x) => String(x), { low_n: true, ci_note: "clipped to the values' range [0, 1]; n = 2 < 10: …" })).toBe('[0, 1] (clipped, low n)');
    expect(interval([0.1, 0.2], (x) => String(x), { low_n: false, note: null })).toBe('[0.1, 0.2]');
  });
});
