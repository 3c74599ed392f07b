import { describe, expect, it } from 'vitest';
import { allowedWorsening, decide, ruleOutcome } from '../../collector/gates/outcome.js';
import type { Check, Rule } from '../../collector/gates/schemas.js';

const higher: Rule = { metric: 'score_mean', direction: 'higher_is_better', severity: 'block', margin: { absolute: 0.05 } };
const lower: Rule = { metric: 'cost_per_task', direction: 'lower_is_better', severity: 'block', margin: { absolute: 0.05 } };
const outcome = (rule: Rule, ci: [number, number], allowed: number | null = 0.05) => ruleOutcome(rule, 'x', ci, allowed, 40).outcome;

describe('rule outcome: the CI of the change against the allowed worsening', () => {
  it('fails only when the whole CI is worse than the margin (higher is better: below −margin)', () => {
    expect(outcome(higher, [-0.3, -0.051])).toBe('fail');
    expect(outcome(higher, [-0.3, -0.05])).toBe('inconclusive');
    expect(outcome(higher, [-0.05, 0.2])).toBe('pass');
    expect(outcome(higher, [-0.0501, 0.2])).toBe('inconclusive');
  });

  it('mirrors for lower-is-better metrics (above +margin is worse)', () => {
    expect(outcome(lower, [0.051, 0.3])).toBe('fail');
    expect(outcome(lower, [0.04, 0.06])).toBe('inconclusive');
    expect(outcome(lower, [-0.3, 0.05])).toBe('pass');
  });

  it('treats no margin as zero: any possible worsening is inconclusive, none at all passes', () => {
    expect(outcome(higher, [0, 0.1], allowedWorsening(undefined, 0.5))).toBe('pass');
    expect(outcome(higher, [-0.001, 0.1], allowedWorsening(undefined, 0.5))).toBe('inconclusive');
  });

  it('scales a relative margin by the baseline value, and cannot apply it without one', () => {
    expect(allowedWorsening({ relative: 0.2 }, 0.004)).toBeCloseTo(0.0008, 15);
    expect(allowedWorsening({ relative: 0.2 }, -10)).toBe(2);
    expect(allowedWorsening({ relative: 0.2 }, null)).toBeNull();
    expect(ruleOutcome(lower, 'x', [1, 2], null, 40).outcome).toBe('inconclusive');
  });

  it('is inconclusive without a CI or without observations', () => {
    expect(ruleOutcome(higher, 'mean score', null, 0.05, 1)).toEqual({
      outcome: 'inconclusive',
      reason: 'too few observations of mean score for a confidence interval (n = 1)',
    });
    expect(ruleOutcome(higher, 'mean score', null, 0.05, 0).reason).toBe('no mean score could be measured on both sides');
  });

  it('applies the rule to the exact change when every paired difference is the same, saying there is no interval', () => {
    const same = ruleOutcome(higher, 'mean score', null, 0.05, 2, -0.1);
    expect(same.outcome).toBe('fail');
    expect(same.reason).toMatch(/changed by exactly -0.1 \(no spread, so no interval\)/);
    expect(ruleOutcome(higher, 'mean score', null, 0.05, 2, 0).outcome).toBe('pass');
    expect(ruleOutcome(higher, 'mean score', null, 0.05, 2).outcome).toBe('inconclusive');
  });
});

function check(outcome: Check['outcome'], severity: Check['severity'], n = 40, metric = 'score_mean'): Check {
  return {
    metric,
    evaluation: null,
    judge: { baseline: null, candidate: null },
    direction: 'higher_is_better',
    severity,
    n,
    n_baseline: n,
    n_candidate: n,
    sufficient: n >= 30,
    baseline: 0.5,
    candidate: 0.5,
    delta: 0,
    ci95: [0, 0],
    ci_note: null,
    margin: { absolute: 0, relative: null, allowed_worsening: 0 },
    outcome,
    reason: `${metric} ${outcome}`,
    method: 'test',
    regressions: [],
  };
}

describe('decision over the checks', () => {
  it('blocks when a block rule fails, even if evidence is thin elsewhere', () => {
    const d = decide([check('fail', 'block'), check('pass', 'warn', 5, 'latency_ms_p95')], 30, 'id-1');
    expect(d.decision).toBe('block');
    expect(d.reasons).toEqual(['blocking rule score_mean failed: score_mean fail', 'insufficient evidence for latency_ms_p95: n = 5 < min_n = 30']);
  });

  it('warns when a warn rule fails, a rule is inconclusive, or n < min_n', () => {
    expect(decide([check('fail', 'warn'), check('pass', 'block')], 30, 'i').decision).toBe('warn');
    expect(decide([check('inconclusive', 'block')], 30, 'i').decision).toBe('warn');
    const thin = decide([check('pass', 'block', 29)], 30, 'i');
    expect(thin.decision).toBe('warn');
    expect(thin.reasons).toEqual(['insufficient evidence for score_mean: n = 29 < min_n = 30']);
    expect(thin.next_action).toMatch(/^Hold: collect at least 30 examples on both sides for score_mean; then run the gate again/);
  });

  it('promotes when every rule passes with enough evidence, and says how to cite the decision', () => {
    const d = decide([check('pass', 'block'), check('pass', 'warn')], 30, 'abc');
    expect(d.decision).toBe('promote');
    expect(d.next_action).toContain('--decision abc');
  });
});
