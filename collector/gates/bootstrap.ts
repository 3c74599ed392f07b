import { finiteOrNull, IndexDraws, type Indices, type Interval, quantile } from '../query/stats.js';

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
