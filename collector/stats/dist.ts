/**
 * Special functions and distributions behind the statistics module (a leaf: it imports nothing; use collector/stats/index.ts).
 * Numerical Recipes style: Lanczos log-gamma, Lentz continued fractions for the
 * regularized incomplete beta and gamma functions. Accurate to ~1e-13 or better.
 */

const EPS = 1e-16;
const FPMIN = 1e-300;
const MAXIT = 100_000;
const LN_SQRT_2PI = 0.9189385332046728;
const LN_PI = 1.1447298858494002;

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
export function lnGamma(x: number): number {
  if (x < 0.5) return LN_PI - Math.log(Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let s = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) s += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** Stirling remainder ln Γ(x) − [(x−½)ln x − x + ln√(2π)], x ≥ 10. */
function lnGammaCorrection(x: number): number {
  const x2 = 1 / (x * x);
  return (1 / 12 - x2 * (1 / 360 - x2 * (1 / 1260 - x2 * (1 / 1680 - x2 / 1188)))) / x;
}

/**
 * ln B(a, b). Large arguments go through Stirling remainders (as R's lbeta does)
 * because ln Γ(a+b) − ln Γ(a) cancels catastrophically for large df.
 */
export function lnBeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  const r = p / (p + q);
  if (p >= 10) {
    const corr = lnGammaCorrection(p) + lnGammaCorrection(q) - lnGammaCorrection(p + q);
    return -0.5 * Math.log(q) + LN_SQRT_2PI + corr + (p - 0.5) * Math.log(r) + q * Math.log1p(-r);
  }
  if (q >= 10) {
    const corr = lnGammaCorrection(q) - lnGammaCorrection(p + q);
    return lnGamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-r);
  }
  return lnGamma(p) + lnGamma(q) - lnGamma(p + q);
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAXIT; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/**
 * Regularized incomplete beta I_x(a, b). `y` = 1 − x may be passed when the
 * caller can compute it without cancellation (x close to 1).
 */
export function regIncBeta(a: number, b: number, x: number, y: number = 1 - x): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const lnx = x > 0.5 ? Math.log1p(-y) : Math.log(x);
  const lny = y > 0.5 ? Math.log1p(-x) : Math.log(y);
  const front = Math.exp(a * lnx + b * lny - lnBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, y)) / b;
}

/** Regularized upper incomplete gamma Q(a, x); computed directly so far tails keep precision. */
export function regGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnFront = -x + a * Math.log(x) - lnGamma(a);
  if (x < a + 1) {
    let ap = a;
    let del = 1 / a;
    let sum = del;
    for (let n = 0; n < MAXIT; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    return 1 - sum * Math.exp(lnFront);
  }
  let b = x + 1 - a;
  let c = 1 / FPMIN;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= MAXIT; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = b + an / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(lnFront) * h;
}

/** Standard normal CDF Φ(z); Φ(z) = ½·Q(½, z²/2) for z < 0. */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const tail = 0.5 * regGammaQ(0.5, (z * z) / 2);
  return z < 0 ? tail : 1 - tail;
}

/** Φ⁻¹(p): Acklam's rational approximation polished by one Halley step (full double precision). */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lowTail = (q: number): number => {
    const r = Math.sqrt(-2 * Math.log(q));
    return (((((c[0]! * r + c[1]!) * r + c[2]!) * r + c[3]!) * r + c[4]!) * r + c[5]!) /
      ((((d[0]! * r + d[1]!) * r + d[2]!) * r + d[3]!) * r + 1);
  };
  let x: number;
  if (p < 0.02425) x = lowTail(p);
  else if (p > 1 - 0.02425) x = -lowTail(1 - p);
  else {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  }
  // Halley step on the side with the small tail, so p near 1 keeps its precision.
  const e = p < 0.5 ? normalCdf(x) - p : (1 - p) - normalCdf(-x);
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** CDF of χ² with 1 degree of freedom: P(½, x/2). */
export function chiSquareCdf1(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 0;
  return 1 - regGammaQ(0.5, x / 2);
}

// Above this df the Cornish–Fisher series is exact to double precision (truncation ~z¹¹/df⁵),
// while the beta route loses digits to O(√df) continued-fraction terms.
const LARGE_DF = 1e5;

/** Cornish–Fisher expansion of the t quantile in 1/df around z (Abramowitz & Stegun 26.7.5). */
function tFromZ(z: number, df: number): number {
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
}

/** Two-sided tail P(|T| ≥ |t|) for Student t with df degrees of freedom (df > 0, may be Infinity). */
export function tTwoSidedP(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  const at = Math.abs(t);
  if (at === Infinity) return 0;
  if (df === Infinity) return 2 * normalCdf(-at);
  if (df > LARGE_DF) {
    // Invert the monotone Cornish–Fisher map by Newton to get the equivalent z.
    let z = at;
    for (let i = 0; i < 50; i++) {
      const h = 1e-6 * Math.max(1, z);
      const f = tFromZ(z, df) - at;
      const step = f / ((tFromZ(z + h, df) - tFromZ(z - h, df)) / (2 * h));
      z -= step;
      if (Math.abs(step) <= 1e-15 * Math.max(1, z)) break;
    }
    return 2 * normalCdf(-z);
  }
  const t2 = at * at;
  // x = df/(df+t²) and 1−x computed separately: no cancellation for small t or large df.
  return regIncBeta(df / 2, 0.5, df / (df + t2), t2 / (df + t2));
}

/** Student t CDF P(T ≤ t). */
export function tCdf(t: number, df: number): number {
  const tail = tTwoSidedP(t, df) / 2;
  return t < 0 ? tail : 1 - tail;
}

/**
 * Inverse Student t CDF, by bisection on the upper tail (exact to ~1e-13
 * relative); the Cornish–Fisher series is used above LARGE_DF.
 */
export function tQuantile(p: number, df: number): number {
  if (!(p >= 0 && p <= 1) || !(df > 0)) return NaN;
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, df);
  if (p === 1) return Infinity;
  if (df === Infinity) return normalQuantile(p);
  if (df > LARGE_DF) return tFromZ(normalQuantile(p), df);
  const target = 2 * (1 - p);
  let lo = 0;
  let hi = 1;
  while (tTwoSidedP(hi, df) > target) {
    lo = hi;
    hi *= 2;
    if (hi === Infinity) return Infinity;
  }
  for (let i = 0; i < 2000 && hi - lo > 1e-14 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (tTwoSidedP(mid, df) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** P(X ≤ k) for X ~ Binomial(n, prob): I_{1−prob}(n−k, k+1). */
export function binomialCdf(k: number, n: number, prob: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  return regIncBeta(n - k, k + 1, 1 - prob, prob);
}

/** mulberry32's output function: the 32-bit draw for state `s`. */
function mulberryMix(s: number): number {
  let t = Math.imul(s ^ (s >>> 15), s | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** mulberry32: tiny seeded PRNG in [0, 1), so bootstrap results are reproducible. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    return mulberryMix(s) / 4294967296;
  };
}

/**
 * The draws ⌊rand()·n⌋ of mulberry32(seed), a buffer at a time: the same
 * values, ~4× faster than a call per draw, which matters to a bootstrap
 * drawing thousands of resamples of thousands of items.
 */
export class IndexDraws {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** Fills `out` with the next out.length indices in [0, n). */
  fill(out: Int32Array, n: number): void {
    let s = this.s;
    for (let i = 0; i < out.length; i++) {
      s = (s + 0x6d2b79f5) >>> 0;
      out[i] = Math.floor((mulberryMix(s) / 4294967296) * n);
    }
    this.s = s;
  }
}
