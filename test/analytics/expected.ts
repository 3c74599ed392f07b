/**
 * What the analytics endpoints must answer, computed from the plan in
 * data.ts by hand: plain loops and textbook formulas, with t quantiles
 * hard-coded from a table (scipy.stats.t.ppf(0.975, df)). Nothing here calls
 * the product's query code.
 */
import { type PlannedTrace, passed } from './data.js';

/** t_{0.975, df}, from scipy. */
export const T975: Record<number, number> = {
  11: 2.200985160091639,
  23: 2.0686576104190406,
  59: 2.000995378088267,
  239: 1.9699394059169584,
};

export function avg(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

export function sampleSd(xs: number[]): number {
  const m = avg(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Mean of d with its t interval; the quantile comes from T975. */
export function tInterval(d: number[]): { mean: number; ci95: [number, number]; t: number; df: number } {
  const m = avg(d);
  const se = sampleSd(d) / Math.sqrt(d.length);
  const q = T975[d.length - 1];
  if (q === undefined) throw new Error(`add t quantile for df ${d.length - 1}`);
  return { mean: m, ci95: [m - q * se, m + q * se], t: m / se, df: d.length - 1 };
}

/** Exact two-sided McNemar: 2·P(X ≤ min(b, c)), X ~ Bin(b + c, ½), capped at 1. */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  let coef = 1;
  let tail = 0;
  for (let k = 0; k <= Math.min(b, c); k++) {
    tail += coef;
    coef = (coef * (n - k)) / (k + 1);
  }
  return Math.min(1, (2 * tail) / 2 ** n);
}

export function pearsonR(x: number[], y: number[]): number {
  const mx = avg(x);
  const my = avg(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((xi, i) => {
    sxy += (xi - mx) * (y[i]! - my);
    sxx += (xi - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

export interface Table {
  pass_pass: number;
  pass_fail: number;
  fail_pass: number;
  fail_fail: number;
}

export function tableOf(pairs: [boolean, boolean][]): Table {
  const t = { pass_pass: 0, pass_fail: 0, fail_pass: 0, fail_fail: 0 };
  for (const [a, b] of pairs) {
    if (a && b) t.pass_pass++;
    else if (a) t.pass_fail++;
    else if (b) t.fail_pass++;
    else t.fail_fail++;
  }
  return t;
}

export function kappaOf(t: Table): { agreement: number; kappa: number } {
  const n = t.pass_pass + t.pass_fail + t.fail_pass + t.fail_fail;
  const po = (t.pass_pass + t.fail_fail) / n;
  const pa = (t.pass_pass + t.pass_fail) / n;
  const pb = (t.pass_pass + t.fail_pass) / n;
  const pe = pa * pb + (1 - pa) * (1 - pb);
  return { agreement: po, kappa: (po - pe) / (1 - pe) };
}

/** One example of one version with its repeats averaged. */
export interface ExampleMeans {
  id: string;
  score: number;
  pass: number;
  cost: number;
  success: number;
  input: number;
  output: number;
  latency: number;
}

function examples(traces: PlannedTrace[], judge: 'j1' | 'j2'): Map<string, ExampleMeans> {
  const groups = new Map<string, PlannedTrace[]>();
  for (const t of traces) if (t.exampleId !== null) groups.set(t.exampleId, [...(groups.get(t.exampleId) ?? []), t]);
  const out = new Map<string, ExampleMeans>();
  for (const [id, ts] of groups) {
    out.set(id, {
      id,
      score: avg(ts.map((t) => t.scores[judge])),
      pass: avg(ts.map((t) => (passed(t, judge) ? 1 : 0))),
      cost: avg(ts.map((t) => t.cost)),
      success: avg(ts.map((t) => (t.success ? 1 : 0))),
      input: avg(ts.map((t) => t.input)),
      output: avg(ts.map((t) => t.output)),
      latency: avg(ts.map((t) => t.latencyMs)),
    });
  }
  return out;
}

/** The paired view of one prompt on one model, examples in id order (the plan has one dataset version). */
export function pairedExamples(all: PlannedTrace[], prompt: string, model: string, judge: 'j1' | 'j2') {
  const of = (v: string) => all.filter((t) => t.prompt === prompt && t.model === model && t.promptVersion === v);
  const a = examples(of('v1'), judge);
  const b = examples(of('v2'), judge);
  const ids = [...a.keys()].filter((id) => b.has(id)).sort((x, y) => (x < y ? -1 : 1));
  return {
    tracesA: of('v1').length,
    tracesB: of('v2').length,
    aOnly: [...a.keys()].filter((id) => !b.has(id)).length,
    bOnly: [...b.keys()].filter((id) => !a.has(id)).length,
    noExampleA: of('v1').filter((t) => t.exampleId === null).length,
    noExampleB: of('v2').filter((t) => t.exampleId === null).length,
    pairs: ids.map((id) => [a.get(id)!, b.get(id)!] as const),
  };
}

export function winsLossesTies(d: number[]) {
  return { wins: d.filter((x) => x > 0).length, losses: d.filter((x) => x < 0).length, ties: d.filter((x) => x === 0).length };
}
