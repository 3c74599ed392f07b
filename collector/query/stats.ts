/**
 * The project's one statistics module: pure functions, no dependencies. Its
 * parts live in stats-dist.ts (distributions), stats-binary.ts (pass/fail)
 * and stats-bootstrap.ts; import them all from here.
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
  tTwoSidedP,
} from './stats-dist.js';

export { IndexDraws, mulberry32 } from './stats-dist.js';
export { type BootstrapCI, bootstrapCI95, bootstrapCIs95, type Indices } from './stats-bootstrap.js';
export {
  cohenKappa,
  type Kappa,
  type McNemar,
  mcnemar,
  pairedProportionDiffCI95,
  type PassFailInput,
  type PassFailTable,
  passFailTable,
  type ProportionDiff,
  proportionDiffCI95,
  wilsonCI95,
} from './stats-binary.js';

export type Interval = [number, number];

/** z such that Φ(z) = 0.975. */
export const Z95 = normalQuantileRaw(0.975);

export function finiteOrNull(x: number | null | undefined): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

function interval(lo: number, hi: number): Interval | null {
  return Number.isFinite(lo) && Number.isFinite(hi) ? [lo, hi] : null;
}

function assertSameLength(a: readonly unknown[], b: readonly unknown[]): void {
  if (a.length !== b.length) throw new RangeError(`paired inputs differ in length: ${a.length} vs ${b.length}`);
}

/** Shared argument check of the statistics files. */
export function assertCount(name: string, x: number): void {
  if (!Number.isInteger(x) || x < 0) throw new RangeError(`${name} must be a non-negative integer, got ${x}`);
}

// ---------------------------------------------------------------------------
// Distributions (implementations in stats-dist.ts)

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

// ---------------------------------------------------------------------------
// Means and t tests

export interface MeanCI {
  n: number;
  mean: number | null;
  std_dev: number | null;
  std_error: number | null;
  ci95: Interval | null;
}

/**
 * The two-sided 95% t critical value by degrees of freedom, memoised: a
 * triples report asks for it once per (triple, judge) and inverting the t
 * distribution costs ~20 µs, while the distinct df are few.
 */
const t975 = new Map<number, number>();
function tCritical95(df: number): number {
  let q = t975.get(df);
  if (q === undefined) {
    q = tQuantileRaw(0.975, df);
    if (t975.size < 10_000) t975.set(df, q);
  }
  return q;
}

/** Shared tail of the t procedures. A zero standard error means every item agrees exactly. */
function tInference(est: number, se: number, df: number) {
  if (se === 0) {
    // No spread: the estimate is certain, so p is 0 unless it is exactly 0; t is undefined.
    return { ci95: [est, est] as Interval, t: null, p_value: est !== 0 ? 0 : 1 };
  }
  const t = est / se;
  return { ci95: tInterval(est, se, df), t: finiteOrNull(t), p_value: finiteOrNull(tTwoSidedP(t, df)) };
}

/** The t-based 95% interval alone: callers that need no p-value skip its incomplete beta function. */
function tInterval(est: number, se: number, df: number): Interval | null {
  if (se === 0) return [est, est];
  const q = tCritical95(df);
  return interval(est - q * se, est + q * se);
}

/** Mean with standard error and a t-based 95% CI (df = n − 1). */
export function meanCI95(xs: readonly number[]): MeanCI {
  const n = xs.length;
  const m = mean(xs);
  const sd = stdDev(xs);
  if (m === null || sd === null) return { n, mean: m, std_dev: null, std_error: null, ci95: null };
  return { n, mean: m, std_dev: sd, std_error: sd / Math.sqrt(n), ci95: ciFromSummary(n, m, sd * sd) };
}

/**
 * The same t interval from summary statistics (e.g. ClickHouse avg and varSamp,
 * which yields nan/inf for n < 2: those give null).
 */
export function ciFromSummary(n: number, mean: number | null, sampleVariance: number | null): Interval | null {
  const m = finiteOrNull(mean);
  const v = finiteOrNull(sampleVariance);
  if (!(n >= 2) || m === null || v === null || v < 0) return null;
  return tInterval(m, Math.sqrt(v / n), n - 1);
}

export interface PairedTTest {
  n: number;
  mean_delta: number | null;
  std_error: number | null;
  df: number | null;
  ci95: Interval | null;
  t: number | null;
  /** Two-sided. If every difference is identical: 0 when that difference is non-zero, else 1. */
  p_value: number | null;
  /** Pairs with b > a. */
  wins: number;
  losses: number;
  ties: number;
}

/** Paired t test on d = b − a (a[i] and b[i] are the same item). */
export function pairedTTest(a: readonly number[], b: readonly number[]): PairedTTest {
  assertSameLength(a, b);
  const d = a.map((ai, i) => b[i]! - ai);
  let wins = 0;
  let losses = 0;
  let ties = 0;
  for (const x of d) {
    if (x > 0) wins++;
    else if (x < 0) losses++;
    else ties++;
  }
  return pairedTTestFromSummary({ n: d.length, mean_delta: mean(d), var_delta: variance(d), wins, losses, ties });
}

/** Summary statistics of the differences d = b − a (e.g. ClickHouse avg and varSampStable). */
export interface PairedSummary {
  n: number;
  mean_delta: number | null;
  /** Sample variance (n − 1); null, NaN or infinite below 2 pairs. */
  var_delta: number | null;
  wins: number;
  losses: number;
  ties: number;
}

/** The paired t test from summary statistics. */
export function pairedTTestFromSummary(x: PairedSummary): PairedTTest {
  const m = x.n > 0 ? finiteOrNull(x.mean_delta) : null;
  const v = x.n >= 2 ? finiteOrNull(x.var_delta) : null;
  const base = { n: x.n, mean_delta: m, wins: x.wins, losses: x.losses, ties: x.ties };
  if (m === null || v === null || v < 0) return { ...base, std_error: null, df: null, ci95: null, t: null, p_value: null };
  const se = Math.sqrt(v) / Math.sqrt(x.n);
  return { ...base, std_error: se, df: x.n - 1, ...tInference(m, se, x.n - 1) };
}

export interface WelchTTest {
  n_a: number;
  n_b: number;
  mean_a: number | null;
  mean_b: number | null;
  /** mean(b) − mean(a). */
  delta: number | null;
  std_error: number | null;
  /** Welch–Satterthwaite; null when both samples are constant. */
  df: number | null;
  ci95: Interval | null;
  t: number | null;
  p_value: number | null;
}

/** Welch's unequal-variance t test; needs at least 2 items in each sample. */
export function welchTTest(a: readonly number[], b: readonly number[]): WelchTTest {
  const ma = mean(a);
  const mb = mean(b);
  const va = variance(a);
  const vb = variance(b);
  const delta = ma === null || mb === null ? null : finiteOrNull(mb - ma);
  const base = { n_a: a.length, n_b: b.length, mean_a: ma, mean_b: mb, delta };
  if (delta === null || va === null || vb === null) {
    return { ...base, std_error: null, df: null, ci95: null, t: null, p_value: null };
  }
  const wa = va / a.length;
  const wb = vb / b.length;
  const se = Math.sqrt(wa + wb);
  const df = finiteOrNull(((wa + wb) * (wa + wb)) / ((wa * wa) / (a.length - 1) + (wb * wb) / (b.length - 1)));
  if (df === null) return { ...base, std_error: se, df: null, ...tInference(delta, 0, 1) };
  return { ...base, std_error: se, df, ...tInference(delta, se, df) };
}
