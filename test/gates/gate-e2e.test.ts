import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { welchTTest } from '../../collector/stats/index.js';
import { getJson, startTestCollector } from '../helpers/collector.js';
import { expectedDecision, expectedOutcome, pairedCostPerSuccess, pairedLatencyP95, pairedPass, pairedScore, pairUp } from '../helpers/gate-expect.js';
import { clamp01, DATASET, derive, type GateTask, jitter, planBaseline, sendGateTasks, sendScores, type Sent } from '../helpers/gate-scenarios.js';

const MODEL = 'gpt-x';
const base = planBaseline({ seed: 101, datasetVersion: 'd1', count: 40, model: MODEL, promptVersion: 'base' });
const j1 = jitter(7, 0.01);
const j2 = jitter(8, 0.01);
const CASES: Record<string, GateTask[]> = {
  regress: derive(base, 'regress', (t, i) => ({ score: clamp01(t.score - 0.25 + j1(i)) })),
  improve: derive(base, 'improve', (t, i) => ({ score: clamp01(t.score + 0.08 + j2(i)), costUsd: Number((t.costUsd * 0.9).toFixed(6)) })),
  // ±0.1 alternating: mean change 0, but too noisy to rule out a drop of 0.02.
  noisy: derive(base, 'noisy', (t, i) => ({ score: clamp01(t.score + (i % 2 === 0 ? 0.1 : -0.1)) })),
  costly: derive(base, 'costly', (t) => ({ costUsd: Number((t.costUsd * 3).toFixed(6)) })),
};
const smallBase = planBaseline({ seed: 202, datasetVersion: 'd-small', count: 8, model: MODEL, promptVersion: 'base' });
const smallSame = derive(smallBase, 'same', () => ({}));
// Held-out dataset version: other examples, so the gate compares independent samples.
const heldOut = planBaseline({ seed: 303, datasetVersion: 'd2', count: 40, model: MODEL, promptVersion: 'improve', idPrefix: 'h' });
const heldImprove = derive(heldOut, 'improve', (t) => ({ score: clamp01(t.score + 0.08), costUsd: Number((t.costUsd * 0.9).toFixed(6)) }));
const heldRegress = derive(heldOut, 'regress', (t) => ({ score: clamp01(t.score - 0.25) }));
// Judged twice: evaluation "correctness" by judge versions j1 and j2, and "tone" by j1.
const judgedTwice = derive(base, 'judged-twice', () => ({}));

const RULES = [
  { metric: 'score_mean', direction: 'higher_is_better', margin: { absolute: 0.02 }, severity: 'block' },
  { metric: 'pass_rate', direction: 'higher_is_better', margin: { absolute: 0.1 }, severity: 'warn' },
  { metric: 'cost_per_success', direction: 'lower_is_better', margin: { relative: 0.2 }, severity: 'block' },
  { metric: 'latency_ms_p95', direction: 'lower_is_better', margin: { relative: 0.25 }, severity: 'warn' },
] as const;

const side = (promptVersion: string, datasetVersion = 'd1') => ({ dataset: DATASET, dataset_version: datasetVersion, model: MODEL, prompt_version: promptVersion });

describe('promotion gates on designed cases', () => {
  let c: RunningCollector;
  let sent: Sent[] = [];
  const gate = (body: unknown) => getJson(c, '/api/gates/evaluate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const traceIdsOf = (promptVersion: string, datasetVersion = 'd1') =>
    new Map(sent.filter((s) => s.task.promptVersion === promptVersion && s.task.datasetVersion === datasetVersion).map((s) => [s.traceId, s.task]));

  beforeAll(async () => {
    c = await startTestCollector();
    sent = await sendGateTasks(c.url, [base, ...Object.values(CASES), smallBase, smallSame, heldImprove, heldRegress, judgedTwice].flat());
    const twice = sent.filter((s) => s.task.promptVersion === 'judged-twice');
    await sendScores(c.url, twice, { judgeVersion: 'j2', score: (t) => clamp01(t.score - 0.1) });
    await sendScores(c.url, twice, { evaluation: 'tone', score: () => 0.9 });
  }, 60_000);

  afterAll(async () => {
    await c?.close();
  });

  /** Checks every paired check against the plan and returns the gate's answer. */
  async function pairedGate(name: keyof typeof CASES) {
    const { status, body } = await gate({ baseline: side('base'), candidate: side(name), rules: RULES, min_n: 30 });
    expect(status).toBe(200);
    const pairs = pairUp(base, CASES[name]!);
    expect(body.pairing.paired).toBe(true);
    expect(body.pairing.n_shared_examples).toBe(40);
    const score = pairedScore(pairs);
    const pass = pairedPass(pairs);
    const cost = pairedCostPerSuccess(pairs);
    const latency = pairedLatencyP95(pairs);
    const [s, p, k, l] = body.checks;
    expect(s.delta).toBeCloseTo(score.delta, 9);
    if (score.exact) expect(s.ci95).toBeNull();
    else {
      expect(s.ci95[0]).toBeCloseTo(score.ci95[0], 9);
      expect(s.ci95[1]).toBeCloseTo(score.ci95[1], 9);
    }
    expect(s.outcome).toBe(expectedOutcome('higher_is_better', score.ci95, 0.02));
    expect(p.delta).toBeCloseTo(pass.delta, 9);
    expect(p.outcome).toBe(expectedOutcome('higher_is_better', pass.ci95, 0.1));
    expect(k.baseline).toBeCloseTo(cost.baseline, 12);
    expect(k.candidate).toBeCloseTo(cost.candidate, 12);
    expect(k.ci95[0]).toBeCloseTo(cost.ci95[0], 12);
    expect(k.ci95[1]).toBeCloseTo(cost.ci95[1], 12);
    expect(k.outcome).toBe(expectedOutcome('lower_is_better', cost.ci95, 0.2 * cost.baseline));
    expect(l.baseline).toBeCloseTo(latency.baseline, 6);
    expect(l.ci95[0]).toBeCloseTo(latency.ci95[0], 6);
    expect(l.outcome).toBe(expectedOutcome('lower_is_better', latency.ci95, 0.25 * latency.baseline));
    for (const check of body.checks) expect(check.n).toBe(40);
    expect(body.decision).toBe(expectedDecision(body.checks, 30));
    return body;
  }

  it('blocks a clear quality regression and names the worst examples with their traces', async () => {
    const body = await pairedGate('regress');
    expect(body.decision).toBe('block');
    const score = body.checks[0];
    expect(score.outcome).toBe('fail');
    expect(body.reasons[0]).toMatch(/^blocking rule score_mean \(correctness\) failed/);
    expect(body.next_action).toMatch(/Do not promote/);
    // The five largest drops in the plan, worst first.
    const drops = pairUp(base, CASES.regress!)
      .map(([a, b]) => ({ id: a.exampleId, drop: a.score - b.score }))
      .sort((x, y) => y.drop - x.drop || (x.id < y.id ? -1 : 1));
    expect(score.regressions.map((r: any) => r.example_id)).toEqual(drops.slice(0, 5).map((d) => d.id));
    const regressTraces = traceIdsOf('regress');
    const baseTraces = traceIdsOf('base');
    for (const r of score.regressions) {
      expect(r.candidate_trace_ids).toHaveLength(1);
      expect(regressTraces.get(r.candidate_trace_ids[0])?.exampleId).toBe(r.example_id);
      expect(baseTraces.get(r.baseline_trace_ids[0])?.exampleId).toBe(r.example_id);
    }
  });

  it('promotes a clear improvement: every rule passes on 40 paired examples', async () => {
    const body = await pairedGate('improve');
    expect(body.decision).toBe('promote');
    expect(body.checks.map((k: any) => k.outcome)).toEqual(['pass', 'pass', 'pass', 'pass']);
    expect(body.checks.every((k: any) => k.regressions.length === 0)).toBe(true);
    expect(body.next_action).toContain(body.decision_id);
  });

  it('warns on a noisy difference whose CI straddles the margin', async () => {
    const body = await pairedGate('noisy');
    expect(body.decision).toBe('warn');
    expect(body.checks[0].outcome).toBe('inconclusive');
    expect(body.checks[0].delta).toBeCloseTo(0, 12);
    expect(body.reasons.join(' ')).toMatch(/rule score_mean \(correctness\) is inconclusive/);
    expect(body.next_action).toMatch(/override/);
  });

  it('blocks a cost blow-up at equal quality through the cost rule alone', async () => {
    const body = await pairedGate('costly');
    expect(body.decision).toBe('block');
    expect(body.checks.map((k: any) => k.outcome)).toEqual(['pass', 'pass', 'fail', 'pass']);
    // Equal scores on every example: no interval, the change is exactly 0, and the rule passes on it.
    expect(body.checks[0].ci95).toBeNull();
    expect(body.checks[0].ci_note).toMatch(/^zero variance: every paired difference is 0/);
    expect(body.checks[0].reason).toMatch(/changed by exactly 0 \(no spread, so no interval\)/);
    expect(body.checks[2].candidate / body.checks[2].baseline).toBeCloseTo(3, 3);
  });

  it('warns with "insufficient evidence" when fewer examples than min_n back a check, and promotes once min_n allows', async () => {
    const rules = [RULES[0], RULES[2]];
    const few = await gate({ baseline: side('base', 'd-small'), candidate: side('same', 'd-small'), rules, min_n: 30 });
    expect(few.status).toBe(200);
    expect(few.body.checks.map((k: any) => [k.outcome, k.n, k.sufficient])).toEqual([
      ['pass', 8, false],
      ['pass', 8, false],
    ]);
    expect(few.body.decision).toBe('warn');
    expect(few.body.reasons).toContain('insufficient evidence for score_mean (correctness): n = 8 < min_n = 30');
    expect(few.body.next_action).toMatch(/collect at least 30 examples/);
    const enough = await gate({ baseline: side('base', 'd-small'), candidate: side('same', 'd-small'), rules, min_n: 8 });
    expect(enough.body.decision).toBe('promote');
  });

  it('compares held-out configurations as independent samples and decides as their rules imply', async () => {
    for (const [version, plan, decision] of [
      ['improve', heldImprove, 'promote'],
      ['regress', heldRegress, 'block'],
    ] as const) {
      const { body } = await gate({ baseline: side('base'), candidate: side(version, 'd2'), rules: [RULES[0]], min_n: 30 });
      expect(body.pairing.paired).toBe(false);
      expect(body.counts.candidate).toEqual({ traces: 40, examples: 40, traces_without_example_id: 0 });
      const w = welchTTest(
        base.map((t) => t.score),
        plan.map((t) => t.score),
      );
      const [check] = body.checks;
      expect(check.method).toMatch(/Welch/);
      expect(check.n).toBe(40);
      expect(check.delta).toBeCloseTo(w.delta!, 9);
      expect(check.ci95[0]).toBeCloseTo(w.ci95![0], 9);
      expect(check.ci95[1]).toBeCloseTo(w.ci95![1], 9);
      expect(check.outcome).toBe(expectedOutcome('higher_is_better', w.ci95!, 0.02));
      expect(body.decision).toBe(expectedDecision(body.checks, 30));
      expect(body.decision).toBe(decision);
    }
  });

  it('reads a custom evaluation name as its mean score, and error and success rates from the traces', async () => {
    const { body } = await gate({
      baseline: side('base'),
      candidate: side('costly'),
      rules: [
        { metric: 'correctness', direction: 'higher_is_better', severity: 'block' },
        { metric: 'error_rate', direction: 'lower_is_better', margin: { absolute: 0.2 }, severity: 'warn' },
        { metric: 'success_rate', direction: 'higher_is_better', margin: { absolute: 0.2 }, severity: 'warn' },
        { metric: 'cost_per_task', direction: 'lower_is_better', margin: { relative: 0.5 }, severity: 'block' },
      ],
      min_n: 30,
    });
    const [custom, errors, success, perTask] = body.checks;
    expect(custom).toMatchObject({ evaluation: 'correctness', delta: 0, outcome: 'pass', judge: { baseline: 'qa-judge@j1', candidate: 'qa-judge@j1' } });
    const failures = base.filter((t) => !t.success).length;
    expect(errors.baseline).toBeCloseTo(failures / 40, 12);
    expect(success.baseline).toBeCloseTo(1 - failures / 40, 12);
    expect(errors.outcome).toBe('pass');
    const cost = base.reduce((s, t) => s + t.costUsd, 0);
    expect(perTask.baseline).toBeCloseTo(cost / 40, 12);
    expect(perTask.candidate).toBeCloseTo((3 * cost) / 40, 12);
    expect(perTask.outcome).toBe('fail');
    expect(body.decision).toBe('block');
  });

  it('stores every evaluation as a decision record fetched by id, with the inputs as sent', async () => {
    const request = { baseline: { ...side('base'), since: '2026-01-01T00:00:00Z' }, candidate: side('improve'), rules: [RULES[0]], min_n: 10 };
    const { body } = await gate(request);
    expect(body.decision_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const record = await getJson(c, `/api/gates/decisions/${body.decision_id}`);
    expect(record.status).toBe(200);
    expect(record.body).toEqual({ id: body.decision_id, created_at: body.created_at, decision: 'promote', inputs: request, result: body });
    const missing = await getJson(c, '/api/gates/decisions/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });

  it('answers malformed gates with a 400 naming the field, and an ambiguous evaluation with the choices', async () => {
    const bad = await gate({ baseline: side('base'), candidate: side('improve'), rules: [{ ...RULES[0], direction: 'up' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/rules\.0\.direction/);
    const both = await gate({ baseline: side('base'), candidate: side('improve'), rules: [{ ...RULES[0], margin: { absolute: 0.1, relative: 0.1 } }] });
    expect(both.status).toBe(400);
    expect(both.body.error.message).toMatch(/absolute or relative/);
    const unknown = await gate({ baseline: { ...side('base'), datset: 'x' }, candidate: side('improve'), rules: [RULES[0]] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/datset/);
    const truncated = await getJson(c, '/api/gates/evaluate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"baseline":' });
    expect(truncated.status).toBe(400);
    expect(truncated.body.error).toEqual({ code: 'invalid_request', message: 'request body: Malformed JSON in request body' });
    const plain = await getJson(c, '/api/gates/evaluate', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(plain.status).toBe(415);
    const names = await gate({ baseline: side('base'), candidate: side('judged-twice'), rules: [RULES[0]] });
    expect(names.status).toBe(400);
    expect(names.body.error.message).toMatch(/2 evaluations \(correctness, tone\); name one with "evaluation"/);
    const versions = await gate({ baseline: side('base'), candidate: side('judged-twice'), rules: [{ ...RULES[0], evaluation: 'correctness' }] });
    expect(versions.status).toBe(400);
    expect(versions.body.error.message).toMatch(/candidate traces carry evaluation "correctness" from 2 judge versions \(qa-judge@j1, qa-judge@j2\)/);
  });

  it('reads the judge version each side names', async () => {
    const rule = { ...RULES[0], evaluation: 'correctness' };
    const candidate = { ...side('judged-twice'), judge: 'qa-judge', judge_version: 'j2' };
    const { status, body } = await gate({ baseline: side('base'), candidate, rules: [rule], min_n: 30 });
    expect(status).toBe(200);
    expect(body.checks[0].judge).toEqual({ baseline: 'qa-judge@j1', candidate: 'qa-judge@j2' });
    expect(body.checks[0].delta).toBeCloseTo(pairedScore(pairUp(base, derive(base, 'x', (t) => ({ score: clamp01(t.score - 0.1) })))).delta, 9);
    expect(body.decision).toBe('block');
  });

  it('warns rather than decides when a side matches no traces', async () => {
    const { body } = await gate({ baseline: side('base'), candidate: side('no-such-version'), rules: [RULES[0]] });
    expect(body.decision).toBe('warn');
    expect(body.checks[0]).toMatchObject({ outcome: 'inconclusive', n: 0, delta: null, ci95: null });
    expect(body.counts.candidate.traces).toBe(0);
  });

  it('lists the gate endpoints in /openapi.json', async () => {
    const { body } = await getJson(c, '/openapi.json');
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/api/gates/evaluate', '/api/gates/decisions/{id}']));
  });
});
