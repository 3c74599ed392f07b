/**
 * The core of the statistics module (collector/stats/, imported through
 * index.ts): intervals, argument checks, null-safe distribution functions and
 * descriptive statistics. It imports only dist.ts; the other parts import it.
 *
 * Every result is JSON-safe: where a value is undefined (too few items, zero
 * variance, no data) it is `null`, never NaN or ±Infinity. Results are not rounded.
 * Misuse that is a programming error (arrays of different lengths for paired
 * statistics, negative or fractional counts, q outside [0, 1]) throws RangeError.
 * Differences are always "b minus a": b is the candidate, a the baseline.
 */

import {
  chiSquareCdf1 as chiSquareCdf1Raw,
  normalCdf as normalCdfRaw,
  normalQuantile as normalQuantileRaw,
  tCdf as tCdfRaw,
  tQuantile as tQuantileRaw,
} from './dist.js';

export type Interval = [number, number];

/** z such that Φ(z) = 0.975. */
export const Z95 = normalQuantileRaw(0.975);

export function finiteOrNull(x: number | null | undefined): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

export function interval(lo: number, hi: number): Interval | null {
  return Number.isFinite(lo) && Number.isFinite(hi) ? [lo, hi] : null;
}

export function assertSameLength(a: readonly unknown[], b: readonly unknown[]): void {
  if (a.length !== b.length) throw new RangeError(`paired inputs differ in length: ${a.length} vs ${b.length}`);
}

/** Shared argument check of the statistics files. */
export function assertCount(name: string, x: number): void {
  if (!Number.isInteger(x) || x < 0) throw new RangeError(`${name} must be a non-negative integer, got ${x}`);
}

// ---------------------------------------------------------------------------
// Distributions (implementations in dist.ts)

/** Student t CDF; null for df ≤ 0 or NaN input. df may be Infinity (normal). */
export function tCdf(t: number, df: number): number | null {
  return finiteOrNull(tCdfRaw(t, df));
}

/** Inverse Student t CDF; null outside 0 < p < 1 or for df ≤ 0. */
export function tQuantile(p: number, df: number): number | null {
  if (!(p > 0 && p < 1)) return null;
  return finiteOrNull(tQuantileRaw(p, df));
}

export function normalCdf(z: number): number | null {
  return finiteOrNull(normalCdfRaw(z));
}

/** Φ⁻¹(p); null outside 0 < p < 1. */
export function normalQuantile(p: number): number | null {
  return finiteOrNull(normalQuantileRaw(p));
}

/** CDF of χ² with 1 df (for large-sample McNemar-style statistics). */
export function chiSquareCdf1(x: number): number | null {
  return finiteOrNull(chiSquareCdf1Raw(x));
}

// ---------------------------------------------------------------------------
// Descriptive statistics

export function mean(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  let s = 0;
  for (const x of xs) s += x;
  return finiteOrNull(s / xs.length);
}

/** Sample variance (n − 1); null for fewer than 2 items. */
export function variance(xs: readonly number[]): number | null {
  const n = xs.length;
  const m = mean(xs);
  if (n < 2 || m === null) return null;
  let ss = 0;
  let sd = 0;
  for (const x of xs) {
    ss += (x - m) * (x - m);
    sd += x - m;
  }
  // Corrected two-pass: the second term cancels the rounding error left in m.
  return finiteOrNull(Math.max(0, (ss - (sd * sd) / n) / (n - 1)));
}

export function stdDev(xs: readonly number[]): number | null {
  const v = variance(xs);
  return v === null ? null : Math.sqrt(v);
}

/**
 * Quantile with linear interpolation between order statistics (numpy default,
 * Excel PERCENTILE.INC, ClickHouse quantileExactInclusive). Null for empty input
 * or any non-finite item.
 */
export function quantile(xs: readonly number[] | Float64Array, q: number): number | null {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile q must be in [0, 1], got ${q}`);
  const n = xs.length;
  if (n === 0 || xs.some((x) => !Number.isFinite(x))) return null;
  let sorted = xs;
  for (let i = 1; i < n; i++) {
    if (xs[i]! < xs[i - 1]!) {
      sorted = [...xs].sort((u, v) => u - v);
      break;
    }
  }
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo]!;
  return a + (h - lo) * (sorted[hi]! - a);
}

/** Pearson r; null when n < 2 or either variable is constant. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  assertSameLength(xs, ys);
  const mx = mean(xs);
  const my = mean(ys);
  if (xs.length < 2 || mx === null || my === null) return null;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  const r = finiteOrNull(sxy / Math.sqrt(sxx * syy));
  // Rounding can push |r| a hair past 1.
  return r === null ? null : Math.max(-1, Math.min(1, r));
}

