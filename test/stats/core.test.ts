import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chiSquareCdf1,
  ciFromSummary,
  finiteOrNull,
  mean,
  meanCI95,
  normalCdf,
  normalQuantile,
  pairedTTest,
  pearson,
  quantile,
  stdDev,
  tCdf,
  tQuantile,
  variance,
  welchTTest,
} from '../../collector/stats/index.js';
import { expectJsonSafe } from '../helpers/json-safe.js';


// Student's sleep data (Cushny & Peebles 1905; R `sleep`): extra hours of sleep, same 10 patients.
const SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

describe('finiteOrNull', () => {
  it('passes finite numbers and maps NaN, ±Infinity, null and undefined to null', () => {
    expect(finiteOrNull(0)).toBe(0);
    expect(finiteOrNull(-2.5)).toBe(-2.5);
    expect(finiteOrNull(NaN)).toBeNull();
    expect(finiteOrNull(Infinity)).toBeNull();
    expect(finiteOrNull(-Infinity)).toBeNull();
    expect(finiteOrNull(null)).toBeNull();
    expect(finiteOrNull(undefined)).toBeNull();
  });
});

describe('descriptive statistics', () => {
  it('mean, sample variance (n − 1) and std dev match hand-computed values', () => {
    expect(mean([2, 4, 4, 4, 5, 5, 7, 9])).toBe(5);
    expect(variance([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(32 / 7, 14);
    expect(stdDev([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 14);
  });

  it('returns null, not NaN, for too few items and non-finite input', () => {
    expect(mean([])).toBeNull();
    expect(variance([])).toBeNull();
    expect(variance([3])).toBeNull();
    expect(stdDev([3])).toBeNull();
    expect(mean([1, NaN])).toBeNull();
    expect(mean([1, Infinity])).toBeNull();
  });

  it('gives exactly zero variance for constant input, even with large offsets', () => {
    expect(variance([7, 7, 7])).toBe(0);
    expect(variance([1e9 + 0.1, 1e9 + 0.1, 1e9 + 0.1])).toBe(0);
  });

  it('keeps variance accurate for data with a large common offset', () => {
    expect(variance([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16])).toBeCloseTo(30, 6);
  });
});

describe('quantile (linear interpolation, numpy default / PERCENTILE.INC)', () => {
  it('matches R quantile(type = 7) and the Wikipedia PERCENTILE.INC example', () => {
    expect(quantile([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 14);
    expect(quantile([15, 20, 35, 40, 50], 0.4)).toBeCloseTo(29, 12);
    expect(quantile([15, 20, 35, 40, 50], 0.5)).toBe(35);
  });

  it('returns min and max at q = 0 and q = 1 and sorts unsorted input without mutating it', () => {
    const xs = [5, 1, 4, 2, 3];
    expect(quantile(xs, 0)).toBe(1);
    expect(quantile(xs, 1)).toBe(5);
    expect(quantile(xs, 0.5)).toBe(3);
    expect(xs).toEqual([5, 1, 4, 2, 3]);
  });

  it('returns null for empty or non-finite input and the only value for one item', () => {
    expect(quantile([], 0.5)).toBeNull();
    expect(quantile([1, NaN], 0.5)).toBeNull();
    expect(quantile([42], 0.95)).toBe(42);
  });

  it('rejects q outside [0, 1]', () => {
    expect(() => quantile([1, 2], 1.5)).toThrow(RangeError);
    expect(() => quantile([1, 2], NaN)).toThrow(RangeError);
  });
});

describe('Student t distribution', () => {
  it('tQuantile(0.975, df) matches published t tables', () => {
    const table: Array<[number, number]> = [
      [1, 12.7062],
      [2, 4.3027],
      [5, 2.5706],
      [10, 2.2281],
      [30, 2.0423],
      [120, 1.9799],
    ];
    for (const [df, t] of table) expect(tQuantile(0.975, df)).toBeCloseTo(t, 4);
  });

  it('tQuantile matches other published table entries to full precision', () => {
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.706204736174698, 10); // R qt(0.975, 1)
    expect(tQuantile(0.975, 9)).toBeCloseTo(2.262157162798205, 10); // R qt(0.975, 9)
    expect(tQuantile(0.95, 1)).toBeCloseTo(6.313751514675041, 10); // tan(0.45π)
    expect(tQuantile(0.995, 10)).toBeCloseTo(3.1693, 4);
    expect(tQuantile(0.9, 5)).toBeCloseTo(1.4759, 4);
  });

  it('tQuantile tends to the normal 1.959964 for large df and is symmetric', () => {
    expect(tQuantile(0.975, 1e6)).toBeCloseTo(1.959966, 6);
    expect(tQuantile(0.975, 1e9)).toBeCloseTo(1.95996, 5);
    expect(tQuantile(0.975, Infinity)).toBeCloseTo(1.959963984540054, 12);
    expect(tQuantile(0.025, 10)).toBeCloseTo(-2.2281, 4);
    expect(tQuantile(0.5, 3)).toBe(0);
  });

  it('tQuantile is continuous across the switch to the large-df series', () => {
    for (const p of [0.6, 0.975, 0.9995]) {
      const below = tQuantile(p, 1e5)!;
      const above = tQuantile(p, 1e5 * (1 + 1e-9))!;
      expect(Math.abs(below - above) / below).toBeLessThan(1e-11);
    }
  });

  it('tCdf matches closed forms for df = 1 (Cauchy) and df = 2', () => {
    expect(tCdf(1, 1)).toBeCloseTo(0.75, 14);
    expect(tCdf(-1, 1)).toBeCloseTo(0.25, 14);
    for (const t of [-3, -0.5, 0, 0.7, 4]) {
      expect(tCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 13);
      expect(tCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 13);
    }
  });

  it('tCdf inverts tQuantile to 1e-10 over random p and df', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true }),
        fc.oneof(fc.integer({ min: 1, max: 500 }), fc.double({ min: 0.5, max: 1e7, noNaN: true })),
        (p, df) => {
          const t = tQuantile(p, df)!;
          expect(Math.abs(tCdf(t, df)! - p)).toBeLessThan(1e-10);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('returns null for p outside (0, 1) and df ≤ 0', () => {
    expect(tQuantile(0, 5)).toBeNull();
    expect(tQuantile(1, 5)).toBeNull();
    expect(tQuantile(0.5, 0)).toBeNull();
    expect(tCdf(1, -1)).toBeNull();
    expect(tCdf(NaN, 3)).toBeNull();
  });
});

describe('normal and chi-square(1) distributions', () => {
  it('normalCdf and normalQuantile match standard values', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 14);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 14);
    expect(normalCdf(-10)! / 7.619853024160527e-24).toBeCloseTo(1, 10);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489004, 12);
    expect(normalQuantile(0.5)).toBe(0);
  });

  it('normalQuantile inverts normalCdf far into the tails', () => {
    for (const p of [1e-300, 1e-12, 0.001, 0.3, 0.7, 0.999]) {
      expect(normalCdf(normalQuantile(p)!)! / p).toBeCloseTo(1, 10);
    }
  });

  it('returns null instead of ±Infinity or NaN', () => {
    expect(normalQuantile(0)).toBeNull();
    expect(normalQuantile(1)).toBeNull();
    expect(normalQuantile(1.2)).toBeNull();
    expect(normalCdf(NaN)).toBeNull();
    expect(chiSquareCdf1(NaN)).toBeNull();
  });

  it('chiSquareCdf1 puts 95% below 3.8415 (= 1.96²)', () => {
    expect(chiSquareCdf1(3.841458820694124)).toBeCloseTo(0.95, 13);
    expect(chiSquareCdf1(0)).toBe(0);
    expect(chiSquareCdf1(1)).toBeCloseTo(0.6826894921370859, 13);
  });
});

describe('meanCI95 and ciFromSummary', () => {
  it('gives the t interval with df = n − 1 (R t.test(sleep group 1))', () => {
    const r = meanCI95(SLEEP_1);
    expect(r.n).toBe(10);
    expect(r.mean).toBeCloseTo(0.75, 14);
    expect(r.std_error).toBeCloseTo(0.5657345, 7);
    expect(r.ci95![0]).toBeCloseTo(-0.5297804, 7);
    expect(r.ci95![1]).toBeCloseTo(2.0297804, 7);
  });

  it('has no interval for n < 2 or zero variance, and says why, never a point interval that claims certainty', () => {
    expect(meanCI95([])).toMatchObject({ n: 0, mean: null, ci95: null, low_n: false });
    expect(meanCI95([4])).toMatchObject({ n: 1, mean: 4, ci95: null, low_n: true });
    expect(meanCI95([4]).note).toMatch(/^n = 1: an interval needs at least 2 values; n = 1 < 10/);
    expect(meanCI95([3, 3, 3])).toMatchObject({ n: 3, mean: 3, std_dev: 0, ci95: null, low_n: true });
    expect(meanCI95([3, 3, 3]).note).toMatch(/^zero variance: every value is 3; n = 3 < 10: the t interval is unreliable/);
  });

  it('flags an interval from fewer than 10 values as low_n, and clears the flag from 10 on', () => {
    const two = meanCI95([0.2, 0.9]);
    expect(two.ci95).not.toBeNull();
    expect(two).toMatchObject({ low_n: true, note: 'n = 2 < 10: the t interval is unreliable at this sample size' });
    expect(meanCI95(SLEEP_1)).toMatchObject({ low_n: false, note: null });
  });

  it('clips an interval to the values’ range when it reaches past it, and says so', () => {
    // n = 2 scores in [0, 1]: the raw t interval is about [-3.9, 5.0].
    const clipped = meanCI95([0.2, 0.9], [0, 1]);
    expect(clipped.ci95).toEqual([0, 1]);
    expect(clipped.note).toMatch(/^clipped to the values' range \[0, 1\]; n = 2 < 10/);
    expect(meanCI95(SLEEP_1, [-10, 10]).ci95).toEqual(meanCI95(SLEEP_1).ci95);
  });

  it('ciFromSummary reproduces meanCI95 from n, mean and sample variance', () => {
    expect(ciFromSummary(10, mean(SLEEP_1), variance(SLEEP_1)).ci95).toEqual(meanCI95(SLEEP_1).ci95);
  });

  it('ciFromSummary returns null for n < 2 and for the nan/inf ClickHouse varSamp gives', () => {
    expect(ciFromSummary(1, 3, NaN).ci95).toBeNull();
    expect(ciFromSummary(0, null, null).ci95).toBeNull();
    expect(ciFromSummary(5, 3, Infinity).ci95).toBeNull();
    expect(ciFromSummary(5, NaN, 1).ci95).toBeNull();
  });
});

describe('pairedTTest (d = b − a)', () => {
  it('reproduces R t.test(extra ~ group, paired = TRUE) on the sleep data', () => {
    const r = pairedTTest(SLEEP_1, SLEEP_2);
    expect(r.n).toBe(10);
    expect(r.df).toBe(9);
    expect(r.mean_delta).toBeCloseTo(1.58, 12);
    expect(r.t).toBeCloseTo(4.0621, 4);
    expect(r.p_value).toBeCloseTo(0.002833, 6);
    expect(r.ci95![0]).toBeCloseTo(0.7001, 4);
    expect(r.ci95![1]).toBeCloseTo(2.4599, 4);
  });

  it('counts wins (b > a), losses and ties', () => {
    const r = pairedTTest(SLEEP_1, SLEEP_2);
    expect([r.wins, r.losses, r.ties]).toEqual([9, 0, 1]);
  });

  it('flips the sign of delta, t and CI, and keeps p, when a and b swap', () => {
    const ab = pairedTTest(SLEEP_1, SLEEP_2);
    const ba = pairedTTest(SLEEP_2, SLEEP_1);
    expect(ba.mean_delta).toBeCloseTo(-ab.mean_delta!, 12);
    expect(ba.t).toBeCloseTo(-ab.t!, 12);
    expect(ba.ci95![0]).toBeCloseTo(-ab.ci95![1], 12);
    expect(ba.p_value).toBeCloseTo(ab.p_value!, 14);
    expect([ba.wins, ba.losses]).toEqual([ab.losses, ab.wins]);
  });

  it('with identical non-zero differences: t, p and CI null with the reason, the change exact', () => {
    const r = pairedTTest([1, 2, 3], [2, 3, 4]);
    expect(r).toMatchObject({ mean_delta: 1, t: null, p_value: null, ci95: null, constant: true, wins: 3, low_n: true });
    expect(r.note).toMatch(/^zero variance: every paired difference is 1; n = 3 < 10/);
    expectJsonSafe(r);
  });

  it('with all differences zero: p and CI null, all ties', () => {
    const r = pairedTTest([1, 2, 3], [1, 2, 3]);
    expect(r).toMatchObject({ mean_delta: 0, t: null, p_value: null, ci95: null, constant: true, ties: 3 });
    expect(r.note).toMatch(/^zero variance: every paired difference is 0/);
  });

  it('is null-filled and JSON-safe for 0 and 1 pairs', () => {
    const empty = pairedTTest([], []);
    expect(empty).toMatchObject({ n: 0, mean_delta: null, t: null, p_value: null, ci95: null });
    expectJsonSafe(empty);
    const one = pairedTTest([1], [3]);
    expect(one).toMatchObject({ n: 1, mean_delta: 2, t: null, p_value: null, ci95: null, wins: 1 });
    expectJsonSafe(one);
  });

  it('rejects arrays of different lengths', () => {
    expect(() => pairedTTest([1, 2], [1])).toThrow(RangeError);
  });
});

describe('welchTTest (delta = mean(b) − mean(a))', () => {
  it('reproduces R t.test(extra ~ group) on the sleep data (signs flipped: R reports group1 − group2)', () => {
    const r = welchTTest(SLEEP_1, SLEEP_2);
    expect(r.delta).toBeCloseTo(1.58, 12);
    expect(r.t).toBeCloseTo(1.8608, 4);
    expect(r.df).toBeCloseTo(17.776, 3);
    expect(r.p_value).toBeCloseTo(0.07939, 5);
    expect(r.ci95![0]).toBeCloseTo(-0.2054832, 7);
    expect(r.ci95![1]).toBeCloseTo(3.3654832, 7);
  });

  it('gives R’s signs directly when the groups are passed the other way round', () => {
    const r = welchTTest(SLEEP_2, SLEEP_1);
    expect(r.t).toBeCloseTo(-1.8608, 4);
    expect(r.ci95![0]).toBeCloseTo(-3.3654832, 7);
    expect(r.ci95![1]).toBeCloseTo(0.2054832, 7);
  });

  it('uses the other sample’s n − 1 as df when one sample is constant', () => {
    expect(welchTTest([5, 5, 5, 5], SLEEP_1).df).toBeCloseTo(9, 12);
  });

  it('with both samples constant: df, t, p and CI null with the reason, the difference exact', () => {
    const r = welchTTest([1, 1], [3, 3, 3]);
    expect(r).toMatchObject({ delta: 2, df: null, t: null, p_value: null, ci95: null, constant: true });
    expect(r.note).toMatch(/^zero variance: every value is 1 on one side and 3 on the other/);
    expectJsonSafe(r);
  });

  it('is null-filled and JSON-safe when a sample has fewer than 2 items', () => {
    const r = welchTTest([1], [1, 2, 3]);
    expect(r).toMatchObject({ delta: 1, t: null, df: null, p_value: null, ci95: null });
    expectJsonSafe(r);
    expectJsonSafe(welchTTest([], []));
  });
});

describe('pearson', () => {
  it('matches r = 0.7745967 for x = 1..5, y = [2, 4, 5, 4, 5]', () => {
    expect(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])).toBeCloseTo(0.7745967, 7);
  });

  it('is exactly ±1 for perfectly linear data', () => {
    expect(pearson([1, 2, 3], [10, 20, 30])).toBe(1);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBe(-1);
  });

  it('is null for n < 2 or a constant variable, and rejects unequal lengths', () => {
    expect(pearson([], [])).toBeNull();
    expect(pearson([1], [2])).toBeNull();
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(pearson([1, 2, 3], [5, 5, 5])).toBeNull();
    expect(() => pearson([1, 2], [1])).toThrow(RangeError);
  });
});
