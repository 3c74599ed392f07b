/**
 * POST /api/gates/evaluate: candidate against baseline under declared rules.
 * Loads both sides' evidence, pairs examples where the sides share them,
 * runs one check per rule, decides, and stores the decision record.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/types.js';
import { nowMicros, toIso } from '../clock.js';
import { comparePaired, compareUnpaired } from './compare.js';
import { saveDecision } from './decisions.js';
import { groupByExample, loadEvidence, type TraceFacts, type Unit } from './evidence.js';
import { resolveMetric } from './metrics.js';
import { allowedWorsening, decide, ruleOutcome } from './outcome.js';
import { pairedRegressions, unpairedRegressions } from './regressions.js';
import { type Check, DEFAULT_MIN_N, type GateRequest, type GateResult, type Rule } from './schemas.js';

interface Evidence {
  baseline: TraceFacts[];
  candidate: TraceFacts[];
  paired: boolean;
  pairs: (readonly [Unit, Unit])[];
}

function check(rule: Rule, ev: Evidence, minN: number): Check {
  const m = resolveMetric(rule, ev.baseline, ev.candidate);
  const cmp = ev.paired ? comparePaired(m, ev.pairs) : compareUnpaired(m, ev.baseline, ev.candidate);
  const allowed = allowedWorsening(rule.margin, cmp.baseline);
  const { outcome, reason } = ruleOutcome(rule, m.label, cmp.ci95, allowed, cmp.n, cmp.exact ? cmp.delta : null);
  const regressions =
    outcome === 'pass'
      ? []
      : ev.paired
        ? pairedRegressions(m, rule.direction, ev.pairs)
        : unpairedRegressions(m, rule.direction, ev.candidate, cmp.baseline);
  return {
    metric: rule.metric,
    evaluation: m.evaluation,
    judge: m.judges,
    direction: rule.direction,
    severity: rule.severity,
    n: cmp.n,
    n_baseline: cmp.n_baseline,
    n_candidate: cmp.n_candidate,
    sufficient: cmp.n >= minN,
    baseline: cmp.baseline,
    candidate: cmp.candidate,
    delta: cmp.delta,
    ci95: cmp.ci95,
    ci_note: cmp.ci_note,
    margin: {
      absolute: rule.margin?.absolute ?? (rule.margin?.relative === undefined ? 0 : null),
      relative: rule.margin?.relative ?? null,
      allowed_worsening: allowed,
    },
    outcome,
    reason,
    method: cmp.method,
    regressions,
  };
}

const sideCounts = (traces: readonly TraceFacts[], examples: number) => ({
  traces: traces.length,
  examples,
  traces_without_example_id: traces.filter((t) => t.example_id === '').length,
});

/**
 * Evaluates the gate and stores the decision. `inputs` is the request as the
 * caller sent it (the parsed one holds since/until as nanosecond bigints).
 */
export async function evaluateGate(store: Store, project: string, request: GateRequest, inputs: unknown): Promise<GateResult> {
  const [baseline, candidate] = await Promise.all([
    loadEvidence(store, project, request.baseline),
    loadEvidence(store, project, request.candidate),
  ]);
  const baseUnits = groupByExample(baseline);
  const candUnits = groupByExample(candidate);
  const shared = [...baseUnits.keys()].filter((k) => candUnits.has(k));
  // Pair only when the sides are mostly the same examples; a sliver of overlap would throw most evidence away.
  const paired = shared.length >= 2 && shared.length * 2 >= baseUnits.size && shared.length * 2 >= candUnits.size;
  const ev: Evidence = { baseline, candidate, paired, pairs: paired ? shared.map((k) => [baseUnits.get(k)!, candUnits.get(k)!] as const) : [] };
  const minN = request.min_n ?? DEFAULT_MIN_N;
  const checks = request.rules.map((rule) => check(rule, ev, minN));

  const decisionId = randomUUID();
  const at = nowMicros();
  const result: GateResult = {
    decision_id: decisionId,
    created_at: toIso(at),
    ...decide(checks, minN, decisionId),
    min_n: minN,
    pairing: {
      paired,
      n_shared_examples: shared.length,
      baseline_only: baseUnits.size - shared.length,
      candidate_only: candUnits.size - shared.length,
      description: paired
        ? 'paired by example (dataset, dataset version, example id); examples on one side only and traces without an example id are left out'
        : 'unpaired: the sides share too few examples (fewer than half of either side), so every trace of each side is an independent item',
    },
    counts: { baseline: sideCounts(baseline, baseUnits.size), candidate: sideCounts(candidate, candUnits.size) },
    checks,
  };
  await saveDecision(store, project, at, inputs, result);
  return result;
}
