/** Binary outcomes (pass/fail), part of the statistics module (collector/stats/index.ts). */
import { binomialCdf } from './dist.js';
import { assertCount, type Interval, Z95 } from './core.js';

/** Paired pass/fail counts; first word is rater/system a, second is b. */
export interface PassFailTable {
  pass_pass: number;
  pass_fail: number;
  fail_pass: number;
  fail_fail: number;
}

export type PassFailInput = PassFailTable | ReadonlyArray<readonly [boolean, boolean]>;

export function passFailTable(input: PassFailInput): PassFailTable {
  if (!Array.isArray(input)) {
    const { pass_pass, pass_fail, fail_pass, fail_fail } = input as PassFailTable;
    const t = { pass_pass, pass_fail, fail_pass, fail_fail };
    for (const [k, v] of Object.entries(t)) assertCount(k, v);
    return t;
  }
  const t: PassFailTable = { pass_pass: 0, pass_fail: 0, fail_pass: 0, fail_fail: 0 };
  for (const [x, y] of input as ReadonlyArray<readonly [boolean, boolean]>) {
    if (x && y) t.pass_pass++;
    else if (x) t.pass_fail++;
    else if (y) t.fail_pass++;
    else t.fail_fail++;
  }
  return t;
}

/** Wilson score 95% interval for a single proportion; null when n = 0. */
export function wilsonCI95(passes: number, n: number): Interval | null {
  assertCount('passes', passes);
  assertCount('n', n);
  if (passes > n) throw new RangeError(`passes (${passes}) > n (${n})`);
  if (n === 0) return null;
  const p = passes / n;
  const z2 = Z95 * Z95;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // Exact bounds at 0 and n; rounding would otherwise leave ±1e-17.
  return [passes === 0 ? 0 : Math.max(0, centre - half), passes === n ? 1 : Math.min(1, centre + half)];
}

export interface ProportionDiff {
  p_a: number | null;
  p_b: number | null;
  /** p_b − p_a. */
  diff: number | null;
  ci95: Interval | null;
}

/**
 * Unpaired difference of proportions with Newcombe's hybrid score interval
 * (Newcombe 1998, method 10: square-and-add of the two Wilson intervals).
 */
export function proportionDiffCI95(passA: number, nA: number, passB: number, nB: number): ProportionDiff {
  const wa = wilsonCI95(passA, nA);
  const wb = wilsonCI95(passB, nB);
  if (wa === null || wb === null) {
    return { p_a: nA > 0 ? passA / nA : null, p_b: nB > 0 ? passB / nB : null, diff: null, ci95: null };
  }
  const pa = passA / nA;
  const pb = passB / nB;
  const diff = pb - pa;
  const lo = diff - Math.hypot(pb - wb[0], wa[1] - pa);
  const hi = diff + Math.hypot(wb[1] - pb, pa - wa[0]);
  return { p_a: pa, p_b: pb, diff, ci95: [Math.max(-1, lo), Math.min(1, hi)] };
}

/**
 * Paired difference of proportions p_b − p_a with Newcombe's square-and-add
 * interval for paired data (Newcombe 1998, Stat Med 17:2635, method 10), using
 * the continuity-adjusted correlation of Newcombe & Altman ("Statistics with
 * Confidence") and Fagerland et al. ("Statistical Analysis of Contingency Tables"):
 * numerator AD − BC reduced by N/2 when positive, 0 if that crosses zero.
 */
export function pairedProportionDiffCI95(input: PassFailInput): ProportionDiff & { n: number } {
  const { pass_pass: e, pass_fail: f, fail_pass: g, fail_fail: h } = passFailTable(input);
  const n = e + f + g + h;
  if (n === 0) return { n, p_a: null, p_b: null, diff: null, ci95: null };
  const pa = (e + f) / n;
  const pb = (e + g) / n;
  const diff = (g - f) / n;
  const [la, ua] = wilsonCI95(e + f, n)!;
  const [lb, ub] = wilsonCI95(e + g, n)!;
  const margins = (e + f) * (g + h) * (e + g) * (f + h);
  let phi = 0;
  if (margins > 0) {
    const num = e * h - f * g;
    phi = (num > n / 2 ? num - n / 2 : Math.min(num , 0)) / Math.sqrt(margins);
  }
  const dl = pb - lb;
  const du = ub - pb;
  const al = pa - la;
  const au = ua - pa;
  const lo = diff - Math.sqrt(Math.max(0, dl * dl - 2 * phi * dl * au + au * au));
  const hi = diff + Math.sqrt(Math.max(0, du * du - 2 * phi * du * al + al * al));
  return { n, p_a: pa, p_b: pb, diff, ci95: [Math.max(-1, lo), Math.min(1, hi)] };
}

export interface McNemar {
  n_discordant: number;
  b01: number;
  b10: number;
  p_value: number;
}

/**
 * McNemar's test on the two discordant counts. Always the exact two-sided
 * binomial test (p = min(1, 2·P(X ≤ min)), X ~ Bin(b01 + b10, ½)), evaluated
 * through the incomplete beta so it is exact and fast at any size; the
 * chi-square approximation buys nothing here. 1 when there are no discordant pairs.
 */
export function mcnemar(b01: number, b10: number): McNemar {
  assertCount('b01', b01);
  assertCount('b10', b10);
  const n = b01 + b10;
  const p = n === 0 ? 1 : Math.min(1, 2 * binomialCdf(Math.min(b01, b10), n, 0.5));
  return { n_discordant: n, b01, b10, p_value: p };
}

export interface Kappa {
  n: number;
  kappa: number | null;
  observed_agreement: number | null;
  expected_agreement: number | null;
  reason?: string;
}

/** Cohen's kappa for two raters' pass/fail labels (pairs [a, b] or a 2×2 table). */
export function cohenKappa(input: PassFailInput): Kappa {
  const { pass_pass, pass_fail, fail_pass, fail_fail } = passFailTable(input);
  const n = pass_pass + pass_fail + fail_pass + fail_fail;
  if (n === 0) return { n, kappa: null, observed_agreement: null, expected_agreement: null, reason: 'no items' };
  const po = (pass_pass + fail_fail) / n;
  const aPass = (pass_pass + pass_fail) / n;
  const bPass = (pass_pass + fail_pass) / n;
  const pe = aPass * bPass + (1 - aPass) * (1 - bPass);
  // Tested on counts, not on pe === 1, so float rounding cannot slip past it.
  if (pass_pass === n || fail_fail === n) {
    return {
      n,
      kappa: null,
      observed_agreement: po,
      expected_agreement: 1,
      reason: 'both raters gave every item the same single label, so chance agreement is 1 and kappa is undefined',
    };
  }
  return { n, kappa: (po - pe) / (1 - pe), observed_agreement: po, expected_agreement: pe };
}
