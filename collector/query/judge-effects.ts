export interface JudgeTripleEffect {
  dataset: string;
  dataset_version: string;
  model: string;
  prompt: string;
  prompt_version: string;
  /** Traces with a result from both versions. */
  n: number;
  /** Of those, labeled pass/fail by both. */
  n_labeled: number;
  pass_rate_a: number | null;
  pass_rate_b: number | null;
  /** Traces scored by both versions, and their mean score under each. */
  n_scored: number;
  mean_a: number | null;
  mean_b: number | null;
}

/** The traces of one triple scored by both judge versions, reduced (the rows compare-judges reads): passes counted, not rated. */
export interface JudgedTriple extends Omit<JudgeTripleEffect, 'pass_rate_a' | 'pass_rate_b'> {
  pass_a: number;
  pass_b: number;
}

export interface JudgeConclusion {
  dataset: string;
  dataset_version: string;
  model: string;
  prompt: string;
  /** The prompt versions compared (at least two). */
  prompt_versions: string[];
  /** Best prompt version under each judge version: highest pass rate, else highest mean score; null on a tie. */
  best_a: string | null;
  best_b: string | null;
  changed: boolean;
  basis: 'pass_rate' | 'mean_score';
}

const TRIPLE = ['dataset', 'dataset_version', 'model', 'prompt', 'prompt_version'] as const;
const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
const keyOf = (r: Record<(typeof TRIPLE)[number], string>, fields: readonly string[] = TRIPLE) =>
  fields.map((f) => r[f as (typeof TRIPLE)[number]]).join('\u0000');

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Pass rate and mean score under each judge version, per (dataset, dataset version, model, prompt, prompt version). */
export function judgeTripleEffects(triples: readonly JudgedTriple[]): JudgeTripleEffect[] {
  return triples
    .map((t) => ({
      dataset: t.dataset,
      dataset_version: t.dataset_version,
      model: t.model,
      prompt: t.prompt,
      prompt_version: t.prompt_version,
      n: t.n,
      n_labeled: t.n_labeled,
      pass_rate_a: t.n_labeled === 0 ? null : t.pass_a / t.n_labeled,
      pass_rate_b: t.n_labeled === 0 ? null : t.pass_b / t.n_labeled,
      n_scored: t.n_scored,
      mean_a: t.mean_a,
      mean_b: t.mean_b,
    }))
    .sort((x, y) => cmp(keyOf(x), keyOf(y)));
}

function best(effects: JudgeTripleEffect[], value: (e: JudgeTripleEffect) => number | null): string | null {
  let top: number | null = null;
  let winners: string[] = [];
  for (const e of effects) {
    const v = value(e);
    if (v === null) continue;
    if (top === null || v > top) {
      top = v;
      winners = [e.prompt_version];
    } else if (v === top) winners.push(e.prompt_version);
  }
  return winners.length === 1 ? winners[0]! : null;
}

/**
 * Whether the new judge version changes which prompt version wins, per
 * (dataset, dataset version, model, prompt) with at least two prompt versions.
 */
export function judgeConclusions(effects: readonly JudgeTripleEffect[]): JudgeConclusion[] {
  const fields = TRIPLE.slice(0, 4);
  return [...groupBy(effects, (e) => keyOf(e, fields)).values()]
    .filter((g) => g.length >= 2)
    .map((g) => {
      const byPass = g.every((e) => e.n_labeled > 0);
      const bestA = byPass ? best(g, (e) => e.pass_rate_a) : best(g, (e) => e.mean_a);
      const bestB = byPass ? best(g, (e) => e.pass_rate_b) : best(g, (e) => e.mean_b);
      const first = g[0]!;
      return {
        dataset: first.dataset,
        dataset_version: first.dataset_version,
        model: first.model,
        prompt: first.prompt,
        prompt_versions: g.map((e) => e.prompt_version),
        best_a: bestA,
        best_b: bestB,
        changed: bestA !== bestB,
        basis: byPass ? ('pass_rate' as const) : ('mean_score' as const),
      };
    });
}
