/**
 * What a rule's metric reads from each trace. Every metric is an aggregate
 * of per-trace observations {num, den}: a mean or proportion is Σnum / Σden
 * with den = 1, cost per success is Σcost / Σsuccess, and the p95 latency is
 * the 0.95 quantile of the observed nums.
 */
import { invalid } from '../errors.js';
import { type Indices, quantile } from '../stats/index.js';
import type { TraceFacts } from './evidence.js';
import { BUILTIN_METRICS, type BuiltinMetric, type Rule } from './schemas.js';

export type Aggregate = 'mean' | 'proportion' | 'ratio' | 'p95';

export interface Observation {
  num: number;
  den: number;
}

export type Observe = (t: TraceFacts) => Observation | null;

export interface ResolvedMetric {
  metric: string;
  evaluation: string | null;
  aggregate: Aggregate;
  /** The metric in plain words, for reasons. */
  label: string;
  judges: { baseline: string | null; candidate: string | null };
  baseline: Observe;
  candidate: Observe;
}

const one = (num: number): Observation => ({ num, den: 1 });

/** The aggregate value of a set of observations; null when it is undefined (nothing observed, no successes). */
export function aggregateValue(aggregate: Aggregate, obs: readonly Observation[]): number | null {
  if (obs.length === 0) return null;
  if (aggregate === 'p95') return quantile(obs.map((o) => o.num), 0.95);
  let num = 0;
  let den = 0;
  for (const o of obs) {
    num += o.num;
    den += o.den;
  }
  return den > 0 ? num / den : null;
}

/**
 * The aggregate over the units picked by a resampling's indices (with
 * repetition): the same value as aggregateValue over their observations,
 * with the per-unit work done once, since it runs thousands of times.
 */
export function resampledValue(aggregate: Aggregate, units: readonly (readonly Observation[])[]): (idx: Indices) => number | null {
  if (aggregate === 'p95') {
    const values = units.map((obs) => obs.map((o) => o.num));
    const buffer: number[] = [];
    return (idx) => {
      buffer.length = 0;
      for (let k = 0; k < idx.length; k++) for (const v of values[idx[k]!]!) buffer.push(v);
      buffer.sort((x, y) => x - y);
      return buffer.length === 0 ? null : quantile(buffer, 0.95);
    };
  }
  const nums = units.map((obs) => obs.reduce((s, o) => s + o.num, 0));
  const dens = units.map((obs) => obs.reduce((s, o) => s + o.den, 0));
  return (idx) => {
    let num = 0;
    let den = 0;
    for (let k = 0; k < idx.length; k++) {
      num += nums[idx[k]!]!;
      den += dens[idx[k]!]!;
    }
    return den > 0 ? num / den : null;
  };
}

const TRACE_METRICS: Record<Exclude<BuiltinMetric, 'score_mean' | 'pass_rate'>, { aggregate: Aggregate; label: string; observe: Observe }> = {
  success_rate: { aggregate: 'proportion', label: 'task success rate', observe: (t) => one(t.success ? 1 : 0) },
  error_rate: { aggregate: 'proportion', label: 'error rate', observe: (t) => one(t.error ? 1 : 0) },
  cost_per_task: {
    aggregate: 'ratio',
    label: 'cost per task (USD)',
    observe: (t) => (t.cost_usd === null ? null : one(t.cost_usd)),
  },
  cost_per_success: {
    aggregate: 'ratio',
    label: 'cost per successful task (USD)',
    observe: (t) => (t.cost_usd === null ? null : { num: t.cost_usd, den: t.success ? 1 : 0 }),
  },
  latency_ms_p95: {
    aggregate: 'p95',
    label: 'p95 latency (ms)',
    observe: (t) => (t.latency_ms === null ? null : one(t.latency_ms)),
  },
};

type ScoreKind = 'score' | 'pass';
const scoreValue = (kind: ScoreKind, s: TraceFacts['scores'][number]) => (kind === 'score' ? s.score : s.passed === null ? null : s.passed ? 1 : 0);

/** The evaluation a score rule reads: named by the rule, or the only one the traces carry, else a 400 listing them. */
function pickEvaluation(rule: Rule, kind: ScoreKind, sides: readonly (readonly TraceFacts[])[]): string | null {
  if (rule.evaluation !== undefined) return rule.evaluation;
  if (!(BUILTIN_METRICS as readonly string[]).includes(rule.metric)) return rule.metric;
  const names = new Set<string>();
  for (const traces of sides) for (const t of traces) for (const s of t.scores) if (scoreValue(kind, s) !== null) names.add(s.evaluation);
  if (names.size <= 1) return [...names][0] ?? null;
  throw invalid(
    `rule ${rule.metric}: the traces carry ${names.size} evaluations (${[...names].sort().join(', ')}); name one with "evaluation"`,
    'invalid_request',
  );
}

/** The one judge version whose scores a side reads, else a 400 asking for judge and judge_version. */
function pickJudge(side: string, evaluation: string, kind: ScoreKind, traces: readonly TraceFacts[]): string | null {
  const judges = new Set<string>();
  for (const t of traces) for (const s of t.scores) if (s.evaluation === evaluation && scoreValue(kind, s) !== null) judges.add(s.judge);
  if (judges.size <= 1) return [...judges][0] ?? null;
  throw invalid(
    `the ${side} traces carry evaluation "${evaluation}" from ${judges.size} judge versions (${[...judges].sort().join(', ')}); ` +
      `name judge and judge_version in ${side}`,
    'invalid_request',
  );
}

function scoreObserver(evaluation: string | null, judge: string | null, kind: ScoreKind): Observe {
  return (t) => {
    const s = t.scores.find((x) => x.evaluation === evaluation && x.judge === judge);
    const v = s === undefined ? null : scoreValue(kind, s);
    return v === null ? null : one(v);
  };
}

/** Resolves a rule's metric against the evidence of both sides. */
export function resolveMetric(rule: Rule, baseline: readonly TraceFacts[], candidate: readonly TraceFacts[]): ResolvedMetric {
  if (Object.hasOwn(TRACE_METRICS, rule.metric)) {
    const m = TRACE_METRICS[rule.metric as keyof typeof TRACE_METRICS];
    const none = { baseline: null, candidate: null };
    return { metric: rule.metric, evaluation: null, aggregate: m.aggregate, label: m.label, judges: none, baseline: m.observe, candidate: m.observe };
  }
  const kind: ScoreKind = rule.metric === 'pass_rate' ? 'pass' : 'score';
  const evaluation = pickEvaluation(rule, kind, [baseline, candidate]);
  const judges =
    evaluation === null
      ? { baseline: null, candidate: null }
      : { baseline: pickJudge('baseline', evaluation, kind, baseline), candidate: pickJudge('candidate', evaluation, kind, candidate) };
  const what = evaluation === null ? 'judge' : `"${evaluation}"`;
  return {
    metric: rule.metric,
    evaluation,
    aggregate: kind === 'pass' ? 'proportion' : 'mean',
    label: kind === 'pass' ? `${what} pass rate` : `mean ${what} score`,
    judges,
    baseline: scoreObserver(evaluation, judges.baseline, kind),
    candidate: scoreObserver(evaluation, judges.candidate, kind),
  };
}
