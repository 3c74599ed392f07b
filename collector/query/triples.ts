import type { QueryParams, Store } from '../store/types.js';
import { type JudgeFilter, judgeWhere, type TraceFilter, traceWhere } from './filters.js';
import { ciFromSummary, finiteOrNull } from './stats.js';
import { LATEST_EVALUATIONS_SQL, TRACE_SUMMARY_SQL } from './traces-sql.js';

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
  n_latency: number;
  first_ns: string;
  last_ns: string;
}

interface JudgeRow {
  dataset: string;
  dataset_version: string;
  model: string;
  prompt: string;
  prompt_version: string;
  judge_name: string;
  judge_version: string;
  name: string;
  n_scored: number;
  score_mean: number | null;
  score_var: number | null;
  n_labeled: number;
  n_pass: number;
}

const KEY = TRIPLE_KEY.join(', ');
const keyOf = (r: Pick<Triple, (typeof TRIPLE_KEY)[number]>) => TRIPLE_KEY.map((k) => r[k]).join('\u0000');

/**
 * Aggregates per (dataset, dataset version, model, prompt, prompt version), with scores per judge version.
 * `summarySql` is the per-trace source: the rollup by default, the raw spans for verification.
 */
export async function triples(
  store: Store,
  project: string,
  f: TraceFilter & JudgeFilter,
  summarySql: string = TRACE_SUMMARY_SQL,
): Promise<Triple[]> {
  const params: QueryParams = { project };
  const where = traceWhere(f, params);
  const jwhere = judgeWhere(f, params);
  const tracesCte = `t AS (SELECT * FROM (${summarySql}) WHERE ${where})`;
  const [rows, judgeRows] = await Promise.all([
    store.query<TripleRow>(
      `WITH ${tracesCte}
       SELECT ${KEY},
         count() AS n_traces,
         countIf(success) AS n_success,
         countIf(has_error) AS n_errors,
         sum(input_tokens) AS input_tokens,
         sum(output_tokens) AS output_tokens,
         toFloat64(sum(cost_usd)) AS cost_usd,
         countIf(llm_spans > unpriced_spans) AS priced_traces,
         countIf(unpriced_spans > 0) AS unpriced_traces,
         countIf(latency_ms IS NOT NULL) AS n_latency,
         if(n_latency > 0, quantilesExactInclusive(0.5, 0.95)(assumeNotNull(latency_ms)), NULL) AS latency,
         toString(min(start_ns)) AS first_ns,
         toString(max(start_ns)) AS last_ns
       FROM t GROUP BY ${KEY} ORDER BY ${KEY}`,
      params,
    ),
    store.query<JudgeRow>(
      `WITH ${tracesCte}, e AS (SELECT * FROM (${LATEST_EVALUATIONS_SQL}) WHERE ${jwhere})
       SELECT ${KEY.split(', ').map((k) => `t.${k} AS ${k}`).join(', ')},
         e.judge_name AS judge_name, e.judge_version AS judge_version, e.name AS name,
         countIf(e.score IS NOT NULL) AS n_scored,
         avgIf(assumeNotNull(e.score), e.score IS NOT NULL) AS score_mean,
         varSampIf(assumeNotNull(e.score), e.score IS NOT NULL) AS score_var,
         countIf(e.passed IS NOT NULL) AS n_labeled,
         countIf(e.passed) AS n_pass
       FROM t INNER JOIN e ON e.trace_id = t.trace_id
       GROUP BY ${KEY}, judge_name, judge_version, name
       ORDER BY judge_name, judge_version, name`,
      params,
    ),
  ]);

  const byKey = new Map<string, Triple>();
  for (const r of rows) {
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
      latency_ms_p50: finiteOrNull(r.latency?.[0]),
      latency_ms_p95: finiteOrNull(r.latency?.[1]),
      first_seen: nsToIso(r.first_ns),
      last_seen: nsToIso(r.last_ns),
      judges: [],
    });
  }
  for (const j of judgeRows) {
    const triple = byKey.get(keyOf(j));
    if (!triple) continue;
    const summary = ciFromSummary(j.n_scored, j.score_mean, j.score_var);
    const passes = j.n_labeled > 0 ? j.n_pass : null;
    triple.judges.push({
      judge: j.judge_name,
      judge_version: j.judge_version,
      evaluation: j.name,
      n_scored: j.n_scored,
      score_mean: j.n_scored > 0 ? finiteOrNull(j.score_mean) : null,
      score_ci95: summary,
      n_labeled: j.n_labeled,
      pass_rate: passes === null ? null : passes / j.n_labeled,
      cost_per_pass: passes === null || passes === 0 || triple.cost_usd === null ? null : triple.cost_usd / passes,
    });
  }
  return [...byKey.values()];
}

export function nsToIso(ns: string): string {
  return new Date(Number(BigInt(ns) / 1_000_000n)).toISOString();
}
