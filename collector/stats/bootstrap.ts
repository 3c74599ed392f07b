/** Percentile bootstrap, one-sample (paired) and two-sample; part of the statistics module. */
import { IndexDraws } from './dist.js';
import { assertCount, finiteOrNull, type Interval, quantile } from './core.js';

/** Item indices of one resample: a reused Int32Array, so index it in a loop (or copy it with Array.from), never keep it. */
export type Indices = ArrayLike<number>;

export interface BootstrapCI {
  /** The statistic on the original sample (indices 0..n−1). */
  estimate: number | null;
  ci95: Interval | null;
  iterations: number;
  /**
   * Resamples whose statistic was null or non-finite (e.g. no successes for cost
   * per success) are left out of the percentiles; callers can judge how many.
   */
  valid_iterations: number;
}

/**
 * Percentile bootstrap. `statistic` receives the resampled item indices (with
 * repetition) and computes its value from them; it must not keep the array.
 * Deterministic for a given seed.
 */
export function bootstrapCI95(
  statistic: (idx: Indices) => number | null,
  n: number,
  options: { iterations?: number; seed?: number } = {},
): BootstrapCI {
  return bootstrapCIs95((idx, out) => (out[0] = statistic(idx) ?? Number.NaN), 1, n, options)[0]!;
}

/**
 * Writes `out.length` statistics of the resample `idx` into `out`; a value
 * that is NaN or infinite counts as undefined for that resample.
 */
export type Statistics = (idx: Indices, out: Float64Array) => void;

/**
 * Several statistics over the same resamples (what one bootstrapCI95 call per
 * statistic with the same seed would give, at the cost of one): `statistics`
 * writes `k` values per resample into a reused array, so a resample allocates
 * nothing (compare/prompts runs 2,000 per model).
 */
export function bootstrapCIs95(statistics: Statistics, k: number, n: number, options: { iterations?: number; seed?: number } = {}): BootstrapCI[] {
  assertCount('n', n);
  const iterations = options.iterations ?? 2000;
  assertCount('iterations', iterations);
  const out = new Float64Array(k);
  statistics(Int32Array.from({ length: n }, (_, i) => i), out);
  const estimates = Array.from(out, (x) => finiteOrNull(x));
  const values = Array.from({ length: k }, () => new Float64Array(iterations));
  const valid = new Int32Array(k);
  if (n > 0) {
    const draws = new IndexDraws(options.seed ?? 1);
    const idx = new Int32Array(n);
    for (let it = 0; it < iterations; it++) {
      draws.fill(idx, n);
      statistics(idx, out);
      for (let j = 0; j < k; j++) {
        const v = out[j]!;
        if (Number.isFinite(v)) values[j]![valid[j]!++] = v;
      }
    }
  }
  return values.map((all, j) => {
    const estimate = estimates[j] ?? null;
    if (valid[j] === 0) return { estimate, ci95: null, iterations, valid_iterations: 0 };
    // A typed array sorts numerically without a comparator call per step.
    const vs = all.subarray(0, valid[j]).sort();
    return { estimate, ci95: [quantile(vs, 0.025)!, quantile(vs, 0.975)!], iterations, valid_iterations: vs.length };
  });
}

/**
 * Percentile bootstrap of stat(b) − stat(a) for two independent samples:
 * each side is resampled on its own, at its own size (stats.bootstrapCI95
 * resamples one index set, which is the paired case). Deterministic for a
 * seed; resamples where either side's statistic is undefined are left out.
 */
export function twoSampleBootstrapCI95(
  statA: (idx: Indices) => number | null,
  nA: number,
  statB: (idx: Indices) => number | null,
  nB: number,
  options: { iterations: number; seed: number },
): { estimate: number | null; ci95: Interval | null; valid_iterations: number } {
  const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
  const a0 = statA(all(nA));
  const b0 = statB(all(nB));
  const estimate = a0 === null || b0 === null ? null : finiteOrNull(b0 - a0);
  if (nA === 0 || nB === 0) return { estimate, ci95: null, valid_iterations: 0 };
  // One stream of draws, a's resample then b's, as in the paired bootstrap.
  const draws = new IndexDraws(options.seed);
  const idxA = new Int32Array(nA);
  const idxB = new Int32Array(nB);
  const deltas: number[] = [];
  for (let it = 0; it < options.iterations; it++) {
    draws.fill(idxA, nA);
    const a = statA(idxA);
    draws.fill(idxB, nB);
    const b = statB(idxB);
    const d = a === null || b === null ? null : finiteOrNull(b - a);
    if (d !== null) deltas.push(d);
  }
  if (deltas.length === 0) return { estimate, ci95: null, valid_iterations: 0 };
  deltas.sort((u, v) => u - v);
  return { estimate, ci95: [quantile(deltas, 0.025)!, quantile(deltas, 0.975)!], valid_iterations: deltas.length };
}
