import { expect } from 'vitest';
import { expectedTriples, type PlannedTask } from './scenario.js';

const keyOf = (t: { dataset: string; dataset_version: string; model: string; prompt: string; prompt_version: string }) =>
  [t.dataset, t.dataset_version, t.model, t.prompt, t.prompt_version].join('|');

/** /api/triples rows against the expectations computed independently from the planned tasks (judges j1, j2). */
export function expectTriplesMatch(actual: any[], tasks: PlannedTask[]) {
  const expected = expectedTriples(tasks, ['j1', 'j2']);
  expect(actual.map(keyOf).sort()).toEqual(expected.map((e) => e.key).sort());
  for (const e of expected) {
    const a = actual.find((t) => keyOf(t) === e.key);
    expect(a.n_traces, e.key).toBe(e.n_traces);
    expect(a.n_success).toBe(e.n_success);
    expect(a.n_errors).toBe(e.n_errors);
    expect(a.input_tokens).toBe(e.input_tokens);
    expect(a.output_tokens).toBe(e.output_tokens);
    expect(a.unpriced_traces).toBe(e.unpriced_traces);
    if (e.cost_usd === null) expect(a.cost_usd).toBeNull();
    else expect(a.cost_usd).toBeCloseTo(e.cost_usd, 10);
    if (e.cost_per_success === null) expect(a.cost_per_success).toBeNull();
    else expect(a.cost_per_success).toBeCloseTo(e.cost_per_success, 10);
    expect(a.latency_ms_p50).toBeCloseTo(e.latency_ms_p50, 6);
    expect(a.latency_ms_p95).toBeCloseTo(e.latency_ms_p95, 6);
    for (const ej of e.judges) {
      const aj = a.judges.find((j: any) => j.judge_version === ej.judge_version);
      expect(aj, `${e.key} ${ej.judge_version}`).toBeDefined();
      expect(aj.judge).toBe('helpfulness-judge');
      expect(aj.n_scored).toBe(ej.n_scored);
      expect(aj.score_mean).toBeCloseTo(ej.score_mean, 10);
      expect(aj.pass_rate).toBeCloseTo(ej.pass_rate, 10);
      expect(aj.score_ci95[0]).toBeLessThanOrEqual(aj.score_mean);
      expect(aj.score_ci95[1]).toBeGreaterThanOrEqual(aj.score_mean);
    }
  }
}
