/**
 * Means with t intervals, and the paired and Welch t tests (df by
 * Welch–Satterthwaite), from arrays or from summaries.
 */
import { tQuantile as tQuantileRaw, tTwoSidedP } from './dist.js';
import { type Caution, caution, clipToRange } from './caution.js';
import { assertSameLength, finiteOrNull, type Interval, interval, mean, stdDev, variance } from './core.js';

/** A t interval and what to know about it: missing with the reason, flagged below the minimum n, or clipped to a bound. */
export interface MeanInterval extends Caution {
  ci95: Interval | null;
}

export interface MeanCI extends MeanInterval {
  n: number;
  mean: number | null;
  std_dev: number | null;
  std_error: number | null;
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

/**
 * Shared tail of the t procedures. A zero standard error means every item
 * agrees exactly: no interval or p-value describes that (a point interval
 * and p = 0 would claim certainty from any n), so both are null with
 * `constant` saying what was seen.
 */
function tInference(est: number, se: number, df: number, constant: string) {
  if (noSpread(se, est)) return { ci95: null, t: null, p_value: null, constant: true, note: constant };
  const t = est / se;
  return { ci95: tInterval(est, se, df), t: finiteOrNull(t), p_value: finiteOrNull(tTwoSidedP(t, df)), constant: false, note: null };
}

/** The t-based 95% interval alone (callers that need no p-value skip its incomplete beta function); null without spread. */
function tInterval(est: number, se: number, df: number): Interval | null {
  if (se === 0) return null;
  const q = tCritical95(df);
  return interval(est - q * se, est + q * se);
}

const fmt = (x: number) => String(Number(x.toPrecision(6)));

/**
 * A spread that is only rounding: 0.65 − 0.5 and 0.75 − 0.6 differ in the
 * 17th digit, which would give a t of 10^15, p = 0 and a point interval.
 */
function noSpread(sd: number, center: number): boolean {
  return sd <= 1e-12 * Math.max(1, Math.abs(center));
}

/** Mean with standard error and a t-based 95% CI (df = n − 1). */
export function meanCI95(xs: readonly number[], range: readonly [number, number] | null = null): MeanCI {
  const n = xs.length;
  const m = mean(xs);
  const sd = stdDev(xs);
  return { n, mean: m, std_dev: sd, std_error: sd === null ? null : sd / Math.sqrt(n), ...ciFromSummary(n, m, sd === null ? null : sd * sd, range) };
}

/**
 * The same t interval from summary statistics (e.g. ClickHouse avg and
 * varSamp, which yields nan/inf for n < 2): null with the reason below 2
 * items or without spread, flagged below the minimum n, and clipped to
 * `range` (the values' bounds, e.g. [0, 1] for scores) when it reaches past it.
 */
export function ciFromSummary(n: number, mean: number | null, sampleVariance: number | null, range: readonly [number, number] | null = null): MeanInterval {
  const m = finiteOrNull(mean);
  const v = finiteOrNull(sampleVariance);
  if (n === 0 || m === null) return { ci95: null, low_n: n > 0, note: n === 0 ? null : 'no mean' };
  if (n < 2 || v === null || v < 0) return { ci95: null, ...caution(n, 't', `n = ${n}: an interval needs at least 2 values`) };
  if (noSpread(Math.sqrt(v), m)) return { ci95: null, ...caution(n, 't', `zero variance: every value is ${fmt(m)}`) };
  const clipped = clipToRange(tInterval(m, Math.sqrt(v / n), n - 1), range);
  return { ci95: clipped.ci95, ...caution(n, 't', clipped.note) };
}

export interface PairedTTest extends Caution {
  n: number;
  mean_delta: number | null;
  std_error: number | null;
  df: number | null;
  ci95: Interval | null;
  t: number | null;
  /** Two-sided; null (as ci95 and t) when every difference is the same, with the note saying so. */
  p_value: number | null;
  /** Every difference is the same (n ≥ 2): the change is exactly mean_delta on every item. */
  constant: boolean;
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
  const none = { std_error: null, df: null, ci95: null, t: null, p_value: null, constant: false };
  if (m === null) return { ...base, ...none, low_n: x.n > 0, note: x.n === 0 ? 'no pairs' : null };
  if (v === null || v < 0) return { ...base, ...none, ...caution(x.n, 't', `n = ${x.n}: an interval needs at least 2 pairs`) };
  const se = Math.sqrt(v) / Math.sqrt(x.n);
  const { note, ...inference } = tInference(m, se, x.n - 1, `zero variance: every paired difference is ${fmt(m)}`);
  return { ...base, std_error: se, df: x.n - 1, ...inference, ...caution(x.n, 't', note) };
}

export interface WelchTTest extends Caution {
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
  /** Both samples are constant: the difference of the means is exact, no interval describes it. */
  constant: boolean;
}

/** Welch's unequal-variance t test; needs at least 2 items in each sample. */
export function welchTTest(a: readonly number[], b: readonly number[]): WelchTTest {
  const ma = mean(a);
  const mb = mean(b);
  const va = variance(a);
  const vb = variance(b);
  const delta = ma === null || mb === null ? null : finiteOrNull(mb - ma);
  const base = { n_a: a.length, n_b: b.length, mean_a: ma, mean_b: mb, delta };
  const n = Math.min(a.length, b.length);
  if (delta === null || va === null || vb === null) {
    const note = delta === null ? null : 'an interval needs at least 2 values on each side';
    return { ...base, std_error: null, df: null, ci95: null, t: null, p_value: null, constant: false, ...caution(n, 't', note) };
  }
  const wa = va / a.length;
  const wb = vb / b.length;
  const se = Math.sqrt(wa + wb);
  const df = finiteOrNull(((wa + wb) * (wa + wb)) / ((wa * wa) / (a.length - 1) + (wb * wb) / (b.length - 1)));
  const { note, ...inference } = tInference(delta, df === null ? 0 : se, df ?? 1, `zero variance: every value is ${fmt(ma!)} on one side and ${fmt(mb!)} on the other`);
  return { ...base, std_error: se, df, ...inference, ...caution(n, 't', note) };
}
