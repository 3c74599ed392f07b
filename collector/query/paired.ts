/**
 * Paired summaries for comparing two versions (a = baseline, b = candidate)
 * on the same items. Pure functions over already-paired arrays; the
 * statistics themselves come from stats.ts. Every delta is b − a.
 */
import {
  bootstrapCIs95,
  finiteOrNull,
  type Indices,
  type Interval,
  mcnemar,
  mean,
  pairedProportionDiffCI95,
  pairedTTest,
  type PassFailTable,
  passFailTable,
} from './stats.js';

export interface PairedMeans {
  n_pairs: number;
  mean_a: number | null;
  mean_b: number | null;
  mean_delta: number | null;
  ci95: Interval | null;
  /** Paired t test, two-sided. */
  p_value: number | null;
  /** Pairs with b > a. */
  wins: number;
  losses: number;
  ties: number;
}

/** Paired t on per-item values: mean of the b − a differences, its t-based 95% CI and p-value. */
export function pairedMeans(a: readonly number[], b: readonly number[]): PairedMeans {
  const t = pairedTTest(a, b);
  return {
    n_pairs: t.n,
    mean_a: mean(a),
    mean_b: mean(b),
    mean_delta: t.mean_delta,
    ci95: t.ci95,
    p_value: t.p_value,
    wins: t.wins,
    losses: t.losses,
    ties: t.ties,
  };
}

export interface PairedPassRate {
  n_pairs: number;
  /** Pass rate of each side: the mean per-example pass fraction. */
  rate_a: number | null;
  rate_b: number | null;
  delta: number | null;
  ci95: Interval | null;
  /** McNemar exact test on the per-item outcomes of the confusion table. */
  p_value: number | null;
  wins: number;
  losses: number;
  ties: number;
  confusion: PassFailTable;
  method: string;
}

const PASS_METHOD_BINARY =
  'per-example pass (repeats averaged); delta CI: Newcombe paired score interval; p: McNemar exact test';
const PASS_METHOD_FRACTIONAL =
  'per-example pass fraction (repeats averaged); delta CI: paired t on the fractions; p: McNemar exact test on per-example majority outcomes (pass when more than half of its runs passed)';

/**
 * Paired pass rates from per-item pass fractions in [0, 1]. When every
 * fraction is 0 or 1 (one run per item, or repeats that agree) the outcome is
 * binary and the Newcombe interval applies; with mixed repeats the CI is the
 * paired t on the fractions and McNemar uses each item's majority outcome.
 */
export function pairedPassRate(a: readonly number[], b: readonly number[]): PairedPassRate {
  const outcomes = a.map((x, i) => [x > 0.5, b[i]! > 0.5] as const);
  const confusion = passFailTable(outcomes);
  const binary = [...a, ...b].every((x) => x === 0 || x === 1);
  const ci95 = binary ? pairedProportionDiffCI95(confusion).ci95 : pairedTTest(a, b).ci95;
  const rateA = mean(a);
  const rateB = mean(b);
  return {
    n_pairs: a.length,
    rate_a: rateA,
    rate_b: rateB,
    delta: rateA === null || rateB === null ? null : finiteOrNull(rateB - rateA),
    ci95,
    p_value: a.length === 0 ? null : mcnemar(confusion.pass_fail, confusion.fail_pass).p_value,
    wins: confusion.fail_pass,
    losses: confusion.pass_fail,
    ties: confusion.pass_pass + confusion.fail_fail,
    confusion,
    method: binary ? PASS_METHOD_BINARY : PASS_METHOD_FRACTIONAL,
  };
}

export interface PairedCostPer {
  n_pairs: number;
  a: number | null;
  b: number | null;
  delta: number | null;
  delta_ci95: Interval | null;
  ratio: number | null;
  ratio_ci95: Interval | null;
  iterations: number;
  /** Resamples where both sides had at least one success (the others have no cost per success). */
  valid_iterations: number;
  method: string;
}

export const BOOTSTRAP_ITERATIONS = 2000;
export const BOOTSTRAP_SEED = 20261;

/** One outcome measure of the paired items: per-item fractions in [0, 1] of each side. */
export interface PairedOutcome {
  /** What the fraction counts ("success", "pass"), for the method text. */
  what: string;
  a: readonly number[];
  b: readonly number[];
}

/**
 * Cost per success (or per pass) of each side over the paired items, with
 * percentile-bootstrap CIs of the delta and the ratio. A side's value is
 * Σ cost per task / Σ success fraction over the items (per-item values are
 * averages over repeats), which equals total cost / successes without repeats.
 * Resamples draw whole pairs, in the order given, from a fixed seed, so the
 * answer is reproducible; delta and ratio use the same resamples. Several
 * outcomes over the same pairs share one set of resamples: each answer is what
 * a call with that outcome alone gives, at the cost of one bootstrap.
 */
export function pairedCostPer(costA: readonly number[], costB: readonly number[], outcomes: readonly PairedOutcome[]): PairedCostPer[] {
  const n = costA.length;
  const m = outcomes.length;
  // Typed arrays, a pair's two sides side by side: the sums below run n × 2000 times.
  const interleave = (a: readonly number[], b: readonly number[]) => {
    const out = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      out[2 * i] = a[i]!;
      out[2 * i + 1] = b[i]!;
    }
    return out;
  };
  const columns = [interleave(costA, costB), ...outcomes.map((o) => interleave(o.a, o.b))];
  const sums = new Float64Array(2 * columns.length);
  /** Per outcome, both sides' Σ cost / Σ outcome over the items `idx`. */
  const sides = (idx: Indices): (number | null)[] => {
    columns.forEach((column, c) => sumPairs(idx, column, sums, 2 * c));
    const out: (number | null)[] = [];
    for (let j = 1; j <= m; j++) {
      const sa = sums[2 * j]!;
      const sb = sums[2 * j + 1]!;
      out.push(sa > 0 ? sums[0]! / sa : null, sb > 0 ? sums[1]! / sb : null);
    }
    return out;
  };
  const cis = bootstrapCIs95(
    (idx) => {
      const v = sides(idx);
      const out: (number | null)[] = [];
      for (let j = 0; j < m; j++) {
        const va = v[2 * j] ?? null;
        const vb = v[2 * j + 1] ?? null;
        out.push(...(va === null || vb === null ? [null, null] : [vb - va, vb / va]));
      }
      return out;
    },
    2 * m,
    n,
    { iterations: BOOTSTRAP_ITERATIONS, seed: BOOTSTRAP_SEED },
  );
  const all = sides(Int32Array.from({ length: n }, (_, i) => i));
  return outcomes.map(({ what }, j) => {
    const delta = cis[2 * j]!;
    const ratio = cis[2 * j + 1]!;
    return {
      n_pairs: n,
      a: finiteOrNull(all[2 * j] ?? null),
      b: finiteOrNull(all[2 * j + 1] ?? null),
      delta: delta.estimate,
      delta_ci95: delta.ci95,
      ratio: ratio.estimate,
      ratio_ci95: ratio.ci95,
      iterations: BOOTSTRAP_ITERATIONS,
      valid_iterations: delta.valid_iterations,
      method:
        `cost per ${what} = Σ cost per task / Σ ${what} fraction over paired examples; ` +
        `CIs: percentile bootstrap over paired examples (${BOOTSTRAP_ITERATIONS} resamples, seed ${BOOTSTRAP_SEED}, examples ordered by dataset, dataset version, example id)`,
    };
  });
}

/** Σ over `idx` of each side of an interleaved (a, b) column, into out[at] and out[at + 1]. */
function sumPairs(idx: Indices, column: Float64Array, out: Float64Array, at: number): void {
  let a = 0;
  let b = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = 2 * idx[k]!;
    a += column[i]!;
    b += column[i + 1]!;
  }
  out[at] = a;
  out[at + 1] = b;
}
