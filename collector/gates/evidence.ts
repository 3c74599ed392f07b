/**
 * The evidence behind one side of a gate: every task trace matching the
 * side's filters, with the latest score of every evaluation its judge
 * filters admit. Reduction to per-example values happens in JS because the
 * statistics (paired tests, bootstrap) need the individual items.
 */
import { type JudgeFilter, judgeWhere, type TraceFilter, tracesSql } from '../sql/filters.js';
import { LATEST_SCORES_SQL } from '../sql/traces.js';
import type { QueryParams, Store } from '../store/types.js';

/** One evaluation's latest result on a trace, from one judge version. */
export interface ScoreFact {
  judge: string;
  evaluation: string;
  score: number | null;
  passed: boolean | null;
}

export interface TraceFacts {
  trace_id: string;
  dataset: string;
  dataset_version: string;
  example_id: string;
  /** Null when no LLM span of the trace could be priced. */
  cost_usd: number | null;
  success: boolean;
  error: boolean;
  latency_ms: number | null;
  scores: ScoreFact[];
}

interface EvidenceRow {
  trace_id: string;
  dataset: string;
  dataset_version: string;
  example_id: string;
  cost_usd: number;
  priced: number;
  success: boolean | null;
  has_error: number | boolean;
  latency_ms: number | null;
  evals: [string, string, string, number | null, boolean | null][];
}

/** Traces in trace-id order, so every resampling over them is reproducible. */
export async function loadEvidence(store: Store, project: string, f: TraceFilter & JudgeFilter): Promise<TraceFacts[]> {
  const params: QueryParams = { project };
  const jwhere = judgeWhere({ judge: f.judge, judge_version: f.judge_version }, params);
  const rows = await store.query<EvidenceRow>(
    `WITH
       t AS (${tracesSql(f, params)}),
       e AS (
         SELECT trace_id, groupArray(tuple(judge_name, judge_version, name, score, passed)) AS evals
         FROM (${LATEST_SCORES_SQL})
         WHERE ${jwhere} AND trace_id IN (SELECT toString(trace_id) FROM t)
         GROUP BY trace_id)
     SELECT toString(t.trace_id) AS trace_id, t.dataset AS dataset, t.dataset_version AS dataset_version,
       t.example_id AS example_id, toFloat64(t.cost_usd) AS cost_usd, t.llm_spans > t.unpriced_spans AS priced,
       t.success AS success, t.has_error AS has_error, t.latency_ms AS latency_ms, e.evals AS evals
     FROM t LEFT JOIN e ON e.trace_id = t.trace_id
     ORDER BY trace_id`,
    params,
  );
  return rows.map((r) => ({
    trace_id: r.trace_id,
    dataset: r.dataset,
    dataset_version: r.dataset_version,
    example_id: r.example_id,
    cost_usd: Number(r.priced) > 0 ? r.cost_usd : null,
    success: r.success === true,
    error: Boolean(Number(r.has_error)),
    latency_ms: r.latency_ms,
    scores: (r.evals ?? []).map(([judge, version, evaluation, score, passed]) => ({
      judge: `${judge}@${version}`,
      evaluation,
      score,
      passed,
    })),
  }));
}

const SEP = '\u0000';

/** Code-unit order: locale-independent, so resamples over sorted items are reproducible anywhere. */
export const compareStrings = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

/** The pairing key: the same example of the same dataset version. Traces without an example id have none. */
function exampleKey(t: TraceFacts): string | null {
  return t.example_id === '' ? null : `${t.dataset}${SEP}${t.dataset_version}${SEP}${t.example_id}`;
}

/** One example with all its traces (repeats). */
export interface Unit {
  key: string;
  dataset: string;
  dataset_version: string;
  example_id: string;
  traces: TraceFacts[];
}

/** Groups traces into examples, in key order (code-unit order, so reproducible). */
export function groupByExample(traces: readonly TraceFacts[]): Map<string, Unit> {
  const units = new Map<string, Unit>();
  for (const t of traces) {
    const key = exampleKey(t);
    if (key === null) continue;
    let u = units.get(key);
    if (!u) {
      u = { key, dataset: t.dataset, dataset_version: t.dataset_version, example_id: t.example_id, traces: [] };
      units.set(key, u);
    }
    u.traces.push(t);
  }
  return new Map([...units.entries()].sort(([x], [y]) => compareStrings(x, y)));
}
