import { describe, expect, it } from 'vitest';
import { bootstrapCI95, pairedCostPer } from '../../collector/stats/index.js';

describe('pairedCostPer', () => {
  const n = 40;
  const costA = Array.from({ length: n }, (_, i) => 0.01 + (i % 7) * 0.003);
  const costB = Array.from({ length: n }, (_, i) => 0.012 + (i % 5) * 0.002);
  const successA = Array.from({ length: n }, (_, i): number => (i % 3 === 0 ? 0 : 1));
  const successB = Array.from({ length: n }, (_, i): number => (i % 4 === 0 ? 0 : 1));
  const passA = Array.from({ length: n }, (_, i): number => (i % 5 === 0 ? 0 : i % 2 ? 1 : 0.5));
  const passB = Array.from({ length: n }, (_, i): number => (i % 6 === 0 ? 0 : 1));

  it('gives each outcome what it gives alone when outcomes share one bootstrap', () => {
    const [success, pass] = pairedCostPer(costA, costB, [
      { what: 'success', a: successA, b: successB },
      { what: 'pass', a: passA, b: passB },
    ]);
    expect(success).toEqual(pairedCostPer(costA, costB, [{ what: 'success', a: successA, b: successB }])[0]);
    expect(pass).toEqual(pairedCostPer(costA, costB, [{ what: 'pass', a: passA, b: passB }])[0]);
    expect(pass!.method).toMatch(/^cost per pass/);
  });

  it('resamples whole pairs with the documented seed: the CI is the generic bootstrap of Σ cost / Σ outcome', () => {
    const sum = (xs: number[], idx: ArrayLike<number>) => Array.from(idx).reduce((s, i) => s + xs[i]!, 0);
    const delta = (idx: ArrayLike<number>) => sum(costB, idx) / sum(successB, idx) - sum(costA, idx) / sum(successA, idx);
    const expected = bootstrapCI95(delta, n, { iterations: 2000, seed: 20261 });
    const [r] = pairedCostPer(costA, costB, [{ what: 'success', a: successA, b: successB }]);
    expect(r!.delta).toBeCloseTo(expected.estimate!, 12);
    expect(r!.delta_ci95![0]).toBeCloseTo(expected.ci95![0], 12);
    expect(r!.delta_ci95![1]).toBeCloseTo(expected.ci95![1], 12);
    expect(r!.a).toBeCloseTo(sum(costA, Array.from({ length: n }, (_, i) => i)) / successA.reduce((s, x) => s + x, 0), 12);
  });
});
