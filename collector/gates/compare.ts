/**
 * Δ = candidate − baseline and its 95% CI for one resolved metric, paired by
 * example or over independent traces; the statistics come from collector/stats/.
 */
import {
  BOOTSTRAP_ITERATIONS,
  BOOTSTRAP_SEED,
  bootstrapCI95,
  caution,
  finiteOrNull,
  type Indices,
  type Interval,
  mean,
  pairedPassRate,
  pairedTTest,
  proportionDiffCI95,
  twoSampleBootstrapCI95,
  welchTTest,
} from '../stats/index.js';
import type { TraceFacts, Unit } from './evidence.js';
import { aggregateValue, type Observation, type Observe, type ResolvedMetric, resampledValue } from './metrics.js';

export interface Comparison {
  n: number;
  n_baseline: number;
  n_candidate: number;
  baseline: number | null;
  candidate: number | null;
  delta: number | null;
  ci95: Interval | null;
  /** Why ci95 is missing or flagged (zero variance, fewer items than the method's minimum); null when nothing needs saying. */
  ci_note: string | null;
  /** Every paired difference (or every value on each side) is the same: delta is exact and no interval describes it. */
  exact: boolean;
  method: string;
}

const BOOTSTRAP = { iterations: BOOTSTRAP_ITERATIONS, seed: BOOTSTRAP_SEED };
const BOOTSTRAP_WORDS = `${BOOTSTRAP_ITERATIONS} resamples, seed ${BOOTSTRAP_SEED}`;

export function observations(observe: Observe, traces: readonly TraceFacts[]): Observation[] {
  const out: Observation[] = [];
  for (const t of traces) {
    const o = observe(t);
    if (o !== null) out.push(o);
  }
  return out;
}

const difference = (a: number | null, b: number | null) => (a === null || b === null ? null : finiteOrNull(b - a));

/** Paired by example: repeats of an example are pooled first; only examples observed on both sides count. */
export function comparePaired(m: ResolvedMetric, pairs: readonly (readonly [Unit, Unit])[]): Comparison {
  const rows = pairs
    .map(([a, b]) => [observations(m.baseline, a.traces), observations(m.candidate, b.traces)] as const)
    .filter(([a, b]) => a.length > 0 && b.length > 0);
  const a = rows.map(([x]) => x);
  const b = rows.map(([, y]) => y);
  const counts = { n: rows.length, n_baseline: a.flat().length, n_candidate: b.flat().length };

  if (m.aggregate === 'mean' || m.aggregate === 'proportion') {
    const av = a.map((obs) => aggregateValue(m.aggregate, obs)!);
    const bv = b.map((obs) => aggregateValue(m.aggregate, obs)!);
    if (m.aggregate === 'proportion') {
      const p = pairedPassRate(av, bv);
      return {
        ...counts,
        baseline: p.rate_a,
        candidate: p.rate_b,
        delta: p.delta,
        ci95: p.ci95,
        ci_note: p.note,
        exact: false,
        method: `paired by example; ${p.method}`,
      };
    }
    const t = pairedTTest(av, bv);
    return {
      ...counts,
      baseline: mean(av),
      candidate: mean(bv),
      delta: t.mean_delta,
      ci95: t.ci95,
      ci_note: t.note,
      exact: t.constant,
      method: 'paired by example (repeats averaged); CI: paired t on the per-example differences',
    };
  }
  const valueA = resampledValue(m.aggregate, a);
  const valueB = resampledValue(m.aggregate, b);
  const stat = (idx: Indices) => difference(valueA(idx), valueB(idx));
  const boot = bootstrapCI95(stat, rows.length, BOOTSTRAP);
  return {
    ...counts,
    baseline: aggregateValue(m.aggregate, a.flat()),
    candidate: aggregateValue(m.aggregate, b.flat()),
    delta: boot.estimate,
    ci95: boot.ci95,
    ci_note: caution(rows.length, 'bootstrap').note,
    exact: false,
    method: `paired by example; CI: percentile bootstrap resampling whole examples (${BOOTSTRAP_WORDS})`,
  };
}

/** Independent samples: every trace of each side is one item. */
export function compareUnpaired(m: ResolvedMetric, baseline: readonly TraceFacts[], candidate: readonly TraceFacts[]): Comparison {
  const a = observations(m.baseline, baseline);
  const b = observations(m.candidate, candidate);
  const counts = { n: Math.min(a.length, b.length), n_baseline: a.length, n_candidate: b.length };

  if (m.aggregate === 'mean') {
    const t = welchTTest(
      a.map((o) => o.num),
      b.map((o) => o.num),
    );
    return {
      ...counts,
      baseline: t.mean_a,
      candidate: t.mean_b,
      delta: t.delta,
      ci95: t.ci95,
      ci_note: t.note,
      exact: t.constant,
      method: 'unpaired traces; CI: Welch t',
    };
  }
  if (m.aggregate === 'proportion') {
    const sum = (obs: Observation[]) => obs.reduce((s, o) => s + o.num, 0);
    const p = proportionDiffCI95(sum(a), a.length, sum(b), b.length);
    return {
      ...counts,
      baseline: p.p_a,
      candidate: p.p_b,
      delta: p.diff,
      ci95: p.ci95,
      ci_note: caution(counts.n, 't').note,
      exact: false,
      method: 'unpaired traces; CI: Newcombe hybrid score interval for two independent proportions',
    };
  }
  const single = (obs: Observation[]) => resampledValue(m.aggregate, obs.map((o) => [o]));
  const boot = twoSampleBootstrapCI95(single(a), a.length, single(b), b.length, BOOTSTRAP);
  return {
    ...counts,
    baseline: aggregateValue(m.aggregate, a),
    candidate: aggregateValue(m.aggregate, b),
    delta: boot.estimate,
    ci95: boot.ci95,
    ci_note: caution(counts.n, 'bootstrap').note,
    exact: false,
    method: `unpaired traces; CI: percentile bootstrap resampling each side's traces independently (${BOOTSTRAP_WORDS})`,
  };
}
