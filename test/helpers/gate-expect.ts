/**
 * Expected gate answers computed from a plan: per-example pairing and the
 * outcome rule written out independently of collector/gates.
 */
import { bootstrapCI95, type Interval, pairedProportionDiffCI95, pairedTTest, quantile } from '../../collector/stats/index.js';
import type { GateTask } from './gate-scenarios.js';

export type Direction = 'higher_is_better' | 'lower_is_better';

/** fail: the whole CI is worse than the margin; pass: none of it is; else inconclusive. */
export function expectedOutcome(direction: Direction, ci: Interval, allowed: number): 'pass' | 'fail' | 'inconclusive' {
  const worse = direction === 'higher_is_better' ? [-ci[1], -ci[0]] : [ci[0], ci[1]];
  if (worse[0]! > allowed) return 'fail';
  if (worse[1]! <= allowed) return 'pass';
  return 'inconclusive';
}

export function expectedDecision(checks: { outcome: string; severity: string; n: number }[], minN: number): string {
  if (checks.some((c) => c.outcome === 'fail' && c.severity === 'block')) return 'block';
  if (checks.some((c) => c.outcome !== 'pass' || c.n < minN)) return 'warn';
  return 'promote';
}

/** Baseline and candidate tasks of the same examples, in example-id order (one task per example per side). */
export function pairUp(base: readonly GateTask[], cand: readonly GateTask[]): [GateTask, GateTask][] {
  const byId = new Map(cand.map((t) => [t.exampleId, t]));
  return [...base]
    .sort((x, y) => (x.exampleId < y.exampleId ? -1 : x.exampleId > y.exampleId ? 1 : 0))
    .filter((t) => byId.has(t.exampleId))
    .map((t) => [t, byId.get(t.exampleId)!]);
}

export function pairedScore(pairs: [GateTask, GateTask][]) {
  const t = pairedTTest(
    pairs.map(([a]) => a.score),
    pairs.map(([, b]) => b.score),
  );
  // Every difference the same: no interval, and the outcome rule applies to the exact change.
  return { delta: t.mean_delta!, ci95: t.ci95 ?? ([t.mean_delta!, t.mean_delta!] as Interval), exact: t.constant };
}

export function pairedPass(pairs: [GateTask, GateTask][]) {
  const p = pairedProportionDiffCI95(pairs.map(([a, b]) => [a.score >= 0.5, b.score >= 0.5] as const));
  return { delta: p.diff!, ci95: p.ci95! };
}

const BOOT = { iterations: 2000, seed: 20261 };

export function pairedCostPerSuccess(pairs: [GateTask, GateTask][]) {
  const side = (k: 0 | 1, idx: ArrayLike<number>) => {
    let c = 0;
    let s = 0;
    for (const i of Array.from(idx)) {
      c += pairs[i]![k].costUsd;
      s += pairs[i]![k].success ? 1 : 0;
    }
    return s > 0 ? c / s : null;
  };
  const all = pairs.map((_, i) => i);
  const b = bootstrapCI95((idx) => {
    const x = side(0, idx);
    const y = side(1, idx);
    return x === null || y === null ? null : y - x;
  }, pairs.length, BOOT);
  return { baseline: side(0, all)!, candidate: side(1, all)!, delta: b.estimate!, ci95: b.ci95! };
}

export function pairedLatencyP95(pairs: [GateTask, GateTask][]) {
  const p95 = (k: 0 | 1, idx: ArrayLike<number>) => quantile(Array.from(idx, (i) => pairs[i]![k].latencyMs), 0.95)!;
  const b = bootstrapCI95((idx) => p95(1, idx) - p95(0, idx), pairs.length, BOOT);
  const all = pairs.map((_, i) => i);
  return { baseline: p95(0, all), candidate: p95(1, all), delta: b.estimate!, ci95: b.ci95! };
}
