/**
 * Paired summaries for comparing two versions (a = baseline, b = candidate)
 * on the same items. Pure functions over already-paired arrays; the
 * statistics themselves come from the other parts of this module. Every delta is b − a.
 */
import { type PassFailTable, mcnemar, pairedProportionDiffCI95, passFailTable } from './binary.js';
import { bootstrapCIs95, type Indices } from './bootstrap.js';
import { type Caution, caution } from './caution.js';
import { finiteOrNull, type Interval, mean } from './core.js';
import { pairedTTest } from './moments.js';

/** Which way a metric improves: scores and pass rates up, cost, tokens and latency down. */
export type Better = 'higher' | 'lower';

export interface PairedMeans extends Caution {
  n_pairs: number;
  mean_a: number | null;
  mean_b: number | null;
  mean_delta: number | null;
  ci95: Interval | null;
  /** Paired t test, two-sided; null with the note when every difference is the same. */
  p_value: number | null;
  better: Better;
  /** Pairs where b is better than a, in the metric's direction. */
  wins: number;
  losses: number;
  ties: number;
}

/** Paired t on per-item values: mean of the b − a differences, its t-based 95% CI and p-value; wins count the pairs where b is better. */
export function pairedMeans(a: readonly number[], b: readonly number[], better: Better): PairedMeans {
  const t = pairedTTest(a, b);
  const [wins, losses] = better === 'higher' ? [t.wins, t.losses] : [t.losses, t.wins];
  return {
    n_pairs: t.n,
    mean_a: mean(a),
    mean_b: mean(b),
    mean_delta: t.mean_delta,
    ci95: t.ci95,
    p_value: t.p_value,
    low_n: t.low_n,
    note: t.note,
    better,
    wins,
    losses,
    ties: t.ties,
  };
}

export interface PairedPassRate extends Caution {
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
    ...caution(a.length, 't', a.length === 0 ? 'no pairs' : null),
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

export interface PairedCostPer extends Caution {
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
  // One row per pair (cost a, cost b, then each outcome's a and b), so a
  // resample sums whole rows in one pass over its indices; this runs
  // n × 2,000 times per model.
  const width = 2 + 2 * m;
  const rows = new Float64Array(n * width);
  for (let i = 0; i < n; i++) {
    rows[i * width] = costA[i]!;
    rows[i * width + 1] = costB[i]!;
    for (let j = 0; j < m; j++) {
      rows[i * width + 2 + 2 * j] = outcomes[j]!.a[i]!;
      rows[i * width + 3 + 2 * j] = outcomes[j]!.b[i]!;
    }
  }
  const sums = new Float64Array(width);
  /** Σ cost / Σ outcome of outcome j on side s (0 = a, 1 = b) over the summed rows; NaN when that side has none. */
  const side = (j: number, s: number) => {
    const outcome = sums[2 + 2 * j + s]!;
    return outcome > 0 ? sums[s]! / outcome : Number.NaN;
  };
  const cis = bootstrapCIs95(
    (idx, out) => {
      sumRows(idx, rows, width, sums);
      for (let j = 0; j < m; j++) {
        const va = side(j, 0);
        const vb = side(j, 1);
        out[2 * j] = vb - va;
        out[2 * j + 1] = vb / va;
      }
    },
    2 * m,
    n,
    { iterations: BOOTSTRAP_ITERATIONS, seed: BOOTSTRAP_SEED },
  );
  sumRows(Int32Array.from({ length: n }, (_, i) => i), rows, width, sums);
  return outcomes.map(({ what }, j) => {
    const delta = cis[2 * j]!;
    const ratio = cis[2 * j + 1]!;
    return {
      ...caution(n, 'bootstrap'),
      n_pairs: n,
      a: finiteOrNull(side(j, 0)),
      b: finiteOrNull(side(j, 1)),
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

/**
 * Column sums of the rows `idx` (each column summed in index order, so the
 * result is the same as summing it alone). The usual width (cost, success
 * and pass) keeps every sum in its own local: independent additions overlap,
 * where one running total per column waits on the previous addition.
 */
function sumRows(idx: Indices, rows: Float64Array, width: number, sums: Float64Array): void {
  if (width === 6) {
    let c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0;
    for (let k = 0; k < idx.length; k++) {
      const at = idx[k]! * 6;
      c0 += rows[at]!;
      c1 += rows[at + 1]!;
      c2 += rows[at + 2]!;
      c3 += rows[at + 3]!;
      c4 += rows[at + 4]!;
      c5 += rows[at + 5]!;
    }
    sums[0] = c0;
    sums[1] = c1;
    sums[2] = c2;
    sums[3] = c3;
    sums[4] = c4;
    sums[5] = c5;
    return;
  }
  for (let c = 0; c < width; c++) {
    let sum = 0;
    for (let k = 0; k < idx.length; k++) sum += rows[idx[k]! * width + c]!;
    sums[c] = sum;
  }
}
