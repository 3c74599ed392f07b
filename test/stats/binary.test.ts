import { describe, expect, it } from 'vitest';
import { cohenKappa, mcnemar, pairedProportionDiffCI95, passFailTable, proportionDiffCI95, wilsonCI95 } from '../../collector/stats/index.js';
import { expectJsonSafe } from '../helpers/json-safe.js';

describe('wilsonCI95', () => {
  it('matches the published Wilson interval for 8/10', () => {
    const [lo, hi] = wilsonCI95(8, 10)!;
    expect(lo).toBeCloseTo(0.4902, 4);
    expect(hi).toBeCloseTo(0.9433, 4);
  });

  it('is exactly 0 at the bottom for 0 passes and exactly 1 at the top for n passes', () => {
    expect(wilsonCI95(0, 10)![0]).toBe(0);
    expect(wilsonCI95(0, 10)![1]).toBeCloseTo(0.2775, 4);
    expect(wilsonCI95(10, 10)![1]).toBe(1);
  });

  it('returns null for n = 0 and rejects impossible counts', () => {
    expect(wilsonCI95(0, 0)).toBeNull();
    expect(() => wilsonCI95(11, 10)).toThrow(RangeError);
    expect(() => wilsonCI95(-1, 10)).toThrow(RangeError);
    expect(() => wilsonCI95(1.5, 10)).toThrow(RangeError);
  });
});

describe('proportionDiffCI95 (unpaired, Newcombe hybrid score)', () => {
  // Newcombe (1998) Stat Med 17:873, Table II, method 10, written as p_b − p_a.
  it('matches Newcombe’s worked examples', () => {
    const cases: Array<[number, number, number, number, number, number]> = [
      [48, 80, 56, 70, 0.0524, 0.3339],
      [3, 10, 9, 10, 0.1705, 0.809],
      [0, 29, 5, 56, -0.0381, 0.1926],
      [0, 20, 0, 10, -0.1611, 0.2775],
      [0, 10, 10, 10, 0.6075, 1],
    ];
    for (const [pa, na, pb, nb, lo, hi] of cases) {
      const r = proportionDiffCI95(pa, na, pb, nb);
      expect(r.diff).toBeCloseTo(pb / nb - pa / na, 14);
      expect(r.ci95![0]).toBeCloseTo(lo, 4);
      expect(r.ci95![1]).toBeCloseTo(hi, 4);
    }
  });

  it('matches Fagerland et al.’s epinephrine example (7/34 vs 1/34: 0.1765, 0.0189 to 0.3404)', () => {
    const r = proportionDiffCI95(1, 34, 7, 34);
    expect(r.diff).toBeCloseTo(0.1765, 4);
    expect(r.ci95![0]).toBeCloseTo(0.0189, 4);
    expect(r.ci95![1]).toBeCloseTo(0.3404, 4);
  });

  it('is null when either group is empty', () => {
    expect(proportionDiffCI95(0, 0, 3, 5)).toEqual({ p_a: null, p_b: 0.6, diff: null, ci95: null });
  });
});

describe('pairedProportionDiffCI95 (Newcombe square-and-add for paired data)', () => {
  it('matches Fagerland et al.’s Cavo et al. (2012) example (−0.0621, −0.1186 to −0.0046, sign flipped for b − a)', () => {
    const r = pairedProportionDiffCI95({ pass_pass: 59, pass_fail: 6, fail_pass: 16, fail_fail: 80 });
    expect(r.n).toBe(161);
    expect(r.diff).toBeCloseTo(0.0621, 4);
    expect(r.ci95![0]).toBeCloseTo(0.0046, 4);
    expect(r.ci95![1]).toBeCloseTo(0.1186, 4);
  });

  it('accepts [a, b] boolean pairs as well as a table', () => {
    const pairs: Array<[boolean, boolean]> = [
      [true, true],
      [true, false],
      [false, true],
      [false, true],
      [false, false],
    ];
    expect(passFailTable(pairs)).toEqual({ pass_pass: 1, pass_fail: 1, fail_pass: 2, fail_fail: 1 });
    expect(pairedProportionDiffCI95(pairs)).toEqual(
      pairedProportionDiffCI95({ pass_pass: 1, pass_fail: 1, fail_pass: 2, fail_fail: 1 }),
    );
  });

  it('stays inside [−1, 1] and contains the estimate, and is null for no pairs', () => {
    const r = pairedProportionDiffCI95({ pass_pass: 0, pass_fail: 0, fail_pass: 10, fail_fail: 0 });
    expect(r.diff).toBe(1);
    expect(r.ci95![1]).toBe(1);
    expect(r.ci95![0]).toBeLessThan(1);
    expect(pairedProportionDiffCI95([])).toEqual({ n: 0, p_a: null, p_b: null, diff: null, ci95: null });
  });
});

describe('mcnemar (exact binomial)', () => {
  it('gives the exact two-sided p for 3 vs 10 discordant pairs (R binom.test(3, 13): 0.09229)', () => {
    expect(mcnemar(3, 10).p_value).toBeCloseTo(0.092285, 6);
    expect(mcnemar(3, 10).p_value).toBeCloseTo((2 * (1 + 13 + 78 + 286)) / 8192, 13);
  });

  it('is symmetric in the two counts', () => {
    expect(mcnemar(10, 3).p_value).toBe(mcnemar(3, 10).p_value);
  });

  it('is 1 with no discordant pairs or balanced counts, and never exceeds 1', () => {
    expect(mcnemar(0, 0)).toEqual({ n_discordant: 0, b01: 0, b10: 0, p_value: 1 });
    expect(mcnemar(5, 5).p_value).toBe(1);
    expect(mcnemar(0, 1).p_value).toBe(1);
  });

  it('stays exact for large counts (0 vs 20: 2 · 0.5²⁰)', () => {
    expect(mcnemar(0, 20).p_value / (2 * 0.5 ** 20)).toBeCloseTo(1, 12);
    const big = mcnemar(1000, 1100).p_value;
    expect(big).toBeGreaterThan(0.02);
    expect(big).toBeLessThan(0.04);
  });

  it('rejects negative or fractional counts', () => {
    expect(() => mcnemar(-1, 2)).toThrow(RangeError);
    expect(() => mcnemar(1.5, 2)).toThrow(RangeError);
  });
});

describe('cohenKappa', () => {
  it('matches Wikipedia’s worked examples (κ = 0.4 and κ = 0.1304)', () => {
    const a = cohenKappa({ pass_pass: 20, pass_fail: 5, fail_pass: 10, fail_fail: 15 });
    expect(a.kappa).toBeCloseTo(0.4, 12);
    expect(a.observed_agreement).toBeCloseTo(0.7, 12);
    expect(a.expected_agreement).toBeCloseTo(0.5, 12);
    expect(cohenKappa({ pass_pass: 45, pass_fail: 15, fail_pass: 25, fail_fail: 15 }).kappa).toBeCloseTo(0.1304, 4);
  });

  it('accepts [a, b] boolean pairs', () => {
    const pairs: Array<[boolean, boolean]> = [];
    for (let i = 0; i < 20; i++) pairs.push([true, true]);
    for (let i = 0; i < 5; i++) pairs.push([true, false]);
    for (let i = 0; i < 10; i++) pairs.push([false, true]);
    for (let i = 0; i < 15; i++) pairs.push([false, false]);
    expect(cohenKappa(pairs).kappa).toBeCloseTo(0.4, 12);
  });

  it('is 1 for perfect agreement using both labels', () => {
    expect(cohenKappa({ pass_pass: 3, pass_fail: 0, fail_pass: 0, fail_fail: 4 }).kappa).toBe(1);
  });

  it('is null with a reason when both raters use one single label everywhere', () => {
    for (const t of [
      { pass_pass: 9, pass_fail: 0, fail_pass: 0, fail_fail: 0 },
      { pass_pass: 0, pass_fail: 0, fail_pass: 0, fail_fail: 9 },
    ]) {
      const r = cohenKappa(t);
      expect(r.kappa).toBeNull();
      expect(r.expected_agreement).toBe(1);
      expect(r.reason).toMatch(/single label/);
      expectJsonSafe(r);
    }
  });

  it('is 0, not undefined, when the raters always disagree with one label each', () => {
    expect(cohenKappa({ pass_pass: 0, pass_fail: 6, fail_pass: 0, fail_fail: 0 }).kappa).toBe(0);
  });

  it('is null with a reason for no items', () => {
    const r = cohenKappa([]);
    expect(r).toMatchObject({ n: 0, kappa: null });
    expect(r.reason).toBeTypeOf('string');
    expectJsonSafe(r);
  });
});
