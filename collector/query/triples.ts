import type { QueryParams, Store } from '../store/types.js';
import { type JudgeFilter, judgeWhere, type TraceFilter, tracesSql } from './filters.js';
import { ciFromSummary, finiteOrNull } from './stats.js';
import { DECODE, HAS_SCORE, JUDGE_KEYS_SQL, NAMES_WITH, PASS_CODE, SCORE_KEY, SCORE_OF, type SummarySource } from './traces-sql.js';

export interface JudgeScore {
  judge: string;
  judge_version: string;
  evaluation: string;
  n_scored: number;
  score_mean: number | null;
  score_ci95: [number, number] | null;
  n_labeled: number;
  pass_rate: number | null;
  cost_per_pass: number | null;
}

export interface Triple {
  dataset: string;
  dataset_version: string;
  model: string;
  prompt: string;
  prompt_version: string;
  n_traces: number;
  n_success: number;
  n_errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number | null;
  cost_per_task: number | null;
  cost_per_success: number | null;
  unpriced_traces: number;
  latency_ms_p50: number | null;
  latency_ms_p95: number | null;
  first_seen: string;
  last_seen: string;
  judges: JudgeScore[];
}

/** The key a group of traces is reported under; extra keys (e.g. none) can be added by callers. */
export const TRIPLE_KEY = ['dataset', 'dataset_version', 'model', 'prompt', 'prompt_version'] as const;

interface TripleRow {
  dataset: string;
  dataset_version: string;
  model: string;
  prompt: string;
  prompt_version: string;
  /** null on a triple's own row; a judge key (the hash in judge_keys) on its per-judge rows. */
  judge_key: string | null;
  n_traces: number;
  n_success: number;
  n_errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  priced_traces: number;
  unpriced_traces: number;
  latency: [number | null, number | null];
  first_ns: string;
  last_ns: string;
  n_scored: number;
  score_mean: number | null;
  score_var: number | null;
  n_labeled: number;
  n_pass: number;
}

type JudgeName = { judge_name: string; judge_version: string; name: string };

const KEY = TRIPLE_KEY.join(', ');
const CODE_KEY = TRIPLE_KEY.map((c) => `${c}_k`).join(', ');
const keyOf = (r: Pick<TripleRow, (typeof TRIPLE_KEY)[number]>) => TRIPLE_KEY.map((k) => r[k]).join('\u0000');
const judgeOrder = (j: JudgeScore) => `${j.judge}\u0000${j.judge_version}\u0000${j.evaluation}`;

/**
 * Aggregates per (dataset, dataset version, model, prompt, prompt version), with scores per judge version.
 * One pass, no join: each trace row carries its latest result per judge key
 * (trace_rollup); LEFT ARRAY JOIN unfolds them and GROUPING SETS yield the
 * triple rows (metrics over each trace's first row, idx ≤ 1) and the
 * (triple, judge) rows (scores) together. Grouping is on value codes; names
 * are decoded per group. `source`: the rollup, or the raw tables for verification.
 */
export async function triples(
  store: Store,
  project: string,
  f: TraceFilter & JudgeFilter,
  source: SummarySource = 'rollup',
): Promise<Triple[]> {
  const params: QueryParams = { project };
  const judgeParams: QueryParams = { project };
  const judges = await store.query<JudgeName & { key: string }>(
    `SELECT toString(key) AS key, judge_name, judge_version, name FROM (${JUDGE_KEYS_SQL}) WHERE ${judgeWhere(f, judgeParams)}`,
    judgeParams,
  );
  const names = new Map(judges.map((j) => [j.key, j]));
  const judgeFiltered = f.judge !== undefined || f.judge_version !== undefined || f.evaluation !== undefined;
  params.keep = judges.map((j) => j.key);
  const kept = judgeFiltered
    ? `arrayFilter(x -> has(arrayMap(k -> toUInt64(k), {keep:Array(String)}), ${SCORE_KEY('x')}), scores)`
    : 'scores';
  const first = 'idx <= 1';
  const scored = `idx > 0 AND ${HAS_SCORE('v')}`;
  const rows = await store.query<TripleRow>(
    `WITH ${NAMES_WITH}
     SELECT ${TRIPLE_KEY.map((c) => `${DECODE(`${c}_k`)} AS ${c}`).join(', ')}, toString(k) AS judge_key,
       countIf(${first}) AS n_traces,
       countIf(${first} AND success) AS n_success,
       countIf(${first} AND has_error) AS n_errors,
       sumIf(input_tokens, ${first}) AS input_tokens,
       sumIf(output_tokens, ${first}) AS output_tokens,
       toFloat64(sumIf(cost_usd, ${first})) AS cost_usd,
       countIf(${first} AND llm_spans > unpriced_spans) AS priced_traces,
       countIf(${first} AND unpriced_spans > 0) AS unpriced_traces,
       quantilesExactInclusiveIf(0.5, 0.95)(assumeNotNull(latency_ms), ${first} AND latency_ms IS NOT NULL) AS latency,
       toString(minIf(start_ns, ${first})) AS first_ns,
       toString(maxIf(start_ns, ${first})) AS last_ns,
       countIf(${scored}) AS n_scored,
       avgIf(${SCORE_OF('v')}, ${scored}) AS score_mean,
       varSampIf(${SCORE_OF('v')}, ${scored}) AS score_var,
       countIf(idx > 0 AND ${PASS_CODE('v')} > 0) AS n_labeled,
       countIf(idx > 0 AND ${PASS_CODE('v')} = 2) AS n_pass
     FROM (
       SELECT ${CODE_KEY}, success, has_error, input_tokens, output_tokens, cost_usd, llm_spans, unpriced_spans,
         latency_ms, start_ns, ${kept} AS kept
       FROM (${tracesSql(f, params, '1', source)})
     )
     LEFT ARRAY JOIN arrayMap(x -> ${SCORE_KEY('x')}, kept) AS k, kept AS v, arrayEnumerate(kept) AS idx
     GROUP BY GROUPING SETS ((${CODE_KEY}), (${CODE_KEY}, k))
     ORDER BY ${KEY}
     SETTINGS group_by_use_nulls = 1`,
    params,
  );
  const byKey = new Map<string, Triple>();
  for (const r of rows) {
    if (r.judge_key !== null) continue;
    const cost = r.priced_traces > 0 ? r.cost_usd : null;
    byKey.set(keyOf(r), {
      dataset: r.dataset,
      dataset_version: r.dataset_version,
      model: r.model,
      prompt: r.prompt,
      prompt_version: r.prompt_version,
      n_traces: r.n_traces,
      n_success: r.n_success,
      n_errors: r.n_errors,
      input_tokens: r.input_tokens,
      output_tokens: r.output_tokens,
      cost_usd: cost,
      cost_per_task: cost === null ? null : cost / r.n_traces,
      cost_per_success: cost === null || r.n_success === 0 ? null : cost / r.n_success,
      unpriced_traces: r.unpriced_traces,
      latency_ms_p50: finiteOrNull(r.latency[0]),
      latency_ms_p95: finiteOrNull(r.latency[1]),
      first_seen: nsToIso(r.first_ns),
      last_seen: nsToIso(r.last_ns),
      judges: [],
    });
  }
  for (const r of rows) {
    const name = r.judge_key === null ? undefined : names.get(r.judge_key);
    const triple = byKey.get(keyOf(r));
    if (!name || !triple) continue;
    const mean = r.n_scored > 0 ? finiteOrNull(r.score_mean) : null;
    const passes = r.n_labeled > 0 ? r.n_pass : null;
    triple.judges.push({
      judge: name.judge_name,
      judge_version: name.judge_version,
      evaluation: name.name,
      n_scored: r.n_scored,
      score_mean: mean,
      score_ci95: ciFromSummary(r.n_scored, mean, r.score_var),
      n_labeled: r.n_labeled,
      pass_rate: passes === null ? null : passes / r.n_labeled,
      cost_per_pass: passes === null || passes === 0 || triple.cost_usd === null ? null : triple.cost_usd / passes,
    });
  }
  const result = [...byKey.values()];
  for (const t of result) t.judges.sort((x, y) => judgeOrder(x).localeCompare(judgeOrder(y)));
  return result;
}

export function nsToIso(ns: string): string {
  return new Date(Number(BigInt(ns) / 1_000_000n)).toISOString();
}
