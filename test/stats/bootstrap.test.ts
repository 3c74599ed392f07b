import { describe, expect, it } from 'vitest';
import { bootstrapCI95, mean, meanCI95, mulberry32 } from '../../collector/stats/index.js';
import { expectJsonSafe } from '../helpers/json-safe.js';

describe('bootstrapCI95', () => {
  const data = Array.from({ length: 200 }, (_, i) => Math.sin(i * 12.9898) * 10 + 50);
  const meanOf = (idx: ArrayLike<number>) => mean(Array.from(idx, (i) => data[i]!));

  it('is deterministic for a seed and changes with the seed', () => {
    const a = bootstrapCI95(meanOf, data.length, { seed: 7 });
    expect(bootstrapCI95(meanOf, data.length, { seed: 7 })).toEqual(a);
    expect(bootstrapCI95(meanOf, data.length, { seed: 8 }).ci95).not.toEqual(a.ci95);
    expect(a.iterations).toBe(2000);
    expect(a.valid_iterations).toBe(2000);
  });

  it('for the mean, brackets the estimate and roughly agrees with the t interval', () => {
    const b = bootstrapCI95(meanOf, data.length, { seed: 1, iterations: 4000 });
    const t = meanCI95(data).ci95!;
    expect(b.estimate).toBeCloseTo(mean(data)!, 12);
    expect(b.ci95![0]).toBeLessThan(b.estimate!);
    expect(b.ci95![1]).toBeGreaterThan(b.estimate!);
    const tWidth = t[1] - t[0];
    expect(Math.abs(b.ci95![1] - b.ci95![0] - tWidth) / tWidth).toBeLessThan(0.15);
  });

  it('drops resamples whose statistic is null (cost per success with no successes) and reports how many stayed', () => {
    const success = [true, false, false, false, false, false];
    const cost = [1, 1, 1, 1, 1, 1];
    const costPerSuccess = (resample: ArrayLike<number>) => {
      const idx = Array.from(resample);
      const s = idx.filter((i) => success[i]).length;
      return s === 0 ? null : idx.reduce((acc, i) => acc + cost[i]!, 0) / s;
    };
    const r = bootstrapCI95(costPerSuccess, 6, { seed: 3 });
    expect(r.estimate).toBe(6);
    expect(r.valid_iterations).toBeGreaterThan(0);
    expect(r.valid_iterations).toBeLessThan(r.iterations);
    expectJsonSafe(r);
  });

  it('is null (not NaN) with no items or when every resample is undefined', () => {
    expect(bootstrapCI95(() => null, 5)).toEqual({ estimate: null, ci95: null, iterations: 2000, valid_iterations: 0 });
    expect(bootstrapCI95(meanOf, 0).ci95).toBeNull();
    expectJsonSafe(bootstrapCI95(meanOf, 0));
  });

  it('mulberry32 yields reproducible values in [0, 1)', () => {
    const r1 = mulberry32(123);
    const r2 = mulberry32(123);
    for (let i = 0; i < 1000; i++) {
      const v = r1();
      expect(v).toBe(r2());
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
  });
});
