import type { QueryParams, Store } from '../store/types.js';
import { type JudgeFilter, judgeWhere, type TraceFilter, traceWhere } from './filters.js';
import { ciFromSummary, finiteOrNull } from './stats.js';
import { HAS_SCORE, JUDGE_KEYS_SQL, PASS_CODE, SCORE_OF, TRACE_SUMMARY_SQL } from './traces-sql.js';

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
  n_traces: number;
  n_success: number;
  n_errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  priced_traces: number;
  unpriced_traces: number;
  latency: [number, number] | null;
  first_ns: string;
  last_ns: string;
  /** Keyed by judge key (the hash in judge_keys), as decimal strings. */
  score_mean: Record<string, number>;
  score_var: Record<string, number | null>;
  n_scored: Record<string, number>;
  n_labeled: Record<string, number>;
  n_pass: Record<string, number>;
}

const KEY = TRIPLE_KEY.join(', ');
const judgeOrder = (j: { judge_name: string; judge_version: string; name: string }) => `${j.judge_name}\u0000${j.judge_version}\u0000${j.name}`;

/**
 * Aggregates per (dataset, dataset version, model, prompt, prompt version), with scores per judge version.
 * One pass, no join: each trace row carries its map judge key → latest packed
 * result (trace_rollup), and -Map aggregates (avgMap, varSampMap, sumMap)
 * reduce them per triple alongside the trace metrics. `summarySql` is the per-trace source: the rollup by
 * default, the raw spans for verification.
 */
export async function triples(
  store: Store,
  project: string,
  f: TraceFilter & JudgeFilter,
  summarySql: string = TRACE_SUMMARY_SQL,
): Promise<Triple[]> {
  const params: QueryParams = { project };
  const where = traceWhere(f, params);
  const judgeParams: QueryParams = { project };
  const judges = await store.query<{ key: string; judge_name: string; judge_version: string; name: string }>(
    `SELECT toString(key) AS key, judge_name, judge_version, name FROM (${JUDGE_KEYS_SQL}) WHERE ${judgeWhere(f, judgeParams)}`,
    judgeParams,
  );
  const names = new Map(judges.map((j) => [j.key, j]));
  params.keep = judges.map((j) => j.key);
  const keep = 'has({keep:Array(String)}, toString(k))';
  const ones = (m: string) => `mapApply((k, v) -> (k, toUInt64(1)), ${m})`;
  const rows = await store.query<TripleRow>(
    `SELECT ${KEY},
       count() AS n_traces,
       countIf(success) AS n_success,
       countIf(has_error) AS n_errors,
       sum(input_tokens) AS input_tokens,
       sum(output_tokens) AS output_tokens,
       toFloat64(sum(cost_usd)) AS cost_usd,
       countIf(llm_spans > unpriced_spans) AS priced_traces,
       countIf(unpriced_spans > 0) AS unpriced_traces,
       if(countIf(latency_ms IS NOT NULL) > 0, quantilesExactInclusive(0.5, 0.95)(assumeNotNull(latency_ms)), NULL) AS latency,
       toString(min(start_ns)) AS first_ns,
       toString(max(start_ns)) AS last_ns,
       avgMap(score_map) AS score_mean,
       varSampMap(score_map) AS score_var,
       sumMap(${ones('score_map')}) AS n_scored,
       sumMap(pass_map) AS n_pass,
       sumMap(${ones('pass_map')}) AS n_labeled
     FROM (
       SELECT *,
         mapFilter((k, v) -> ${keep}, scores) AS kept,
         mapApply((k, v) -> (k, ${SCORE_OF('v')}), mapFilter((k, v) -> ${HAS_SCORE('v')}, kept)) AS score_map,
         mapApply((k, v) -> (k, toUInt64(${PASS_CODE('v')} = 2)), mapFilter((k, v) -> ${PASS_CODE('v')} > 0, kept)) AS pass_map
       FROM (${summarySql})
       WHERE ${where}
     )
     GROUP BY ${KEY} ORDER BY ${KEY}`,
    params,
  );
  return rows.map((r) => {
    const cost = r.priced_traces > 0 ? r.cost_usd : null;
    const judgeKeys = [...new Set([...Object.keys(r.n_scored), ...Object.keys(r.n_labeled)])]
      .filter((k) => names.has(k))
      .sort((x, y) => judgeOrder(names.get(x)!).localeCompare(judgeOrder(names.get(y)!)));
    return {
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
      latency_ms_p50: finiteOrNull(r.latency?.[0]),
      latency_ms_p95: finiteOrNull(r.latency?.[1]),
      first_seen: nsToIso(r.first_ns),
      last_seen: nsToIso(r.last_ns),
      judges: judgeKeys.map((k) => {
        const { judge_name: judge, judge_version, name: evaluation } = names.get(k)!;
        const nScored = r.n_scored[k] ?? 0;
        const nLabeled = r.n_labeled[k] ?? 0;
        const passes = nLabeled > 0 ? (r.n_pass[k] ?? 0) : null;
        const mean = nScored > 0 ? finiteOrNull(r.score_mean[k]) : null;
        return {
          judge,
          judge_version,
          evaluation,
          n_scored: nScored,
          score_mean: mean,
          score_ci95: ciFromSummary(nScored, mean, r.score_var[k] ?? null),
          n_labeled: nLabeled,
          pass_rate: passes === null ? null : passes / nLabeled,
          cost_per_pass: passes === null || passes === 0 || cost === null ? null : cost / passes,
        };
      }),
    };
  });
}

export function nsToIso(ns: string): string {
  return new Date(Number(BigInt(ns) / 1_000_000n)).toISOString();
}
