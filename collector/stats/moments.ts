/**
 * Means with t intervals, and the paired and Welch t tests (df by
 * Welch–Satterthwaite), from arrays or from summaries.
 */
import { tQuantile as tQuantileRaw, tTwoSidedP } from './dist.js';
import { assertSameLength, finiteOrNull, type Interval, interval, mean, stdDev, variance } from './core.js';

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
