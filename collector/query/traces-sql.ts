import { ATTR } from '../../src/attributes.js';

/**
 * The per-trace resolution every query builds on. A trace's versions may sit
 * on any of its spans and arrive in separate requests, so they are resolved
 * here at query time: a non-empty value wins, the root span's value over a
 * child's. Spans are deduplicated on (trace_id, span_id) first, so a re-sent
 * span never counts twice even before ReplacingMergeTree merges.
 *
 * A trace is a task unless its root (or, without a root, any span) is an
 * evaluation or carries a judge version: judge traces are not tasks. Tokens
 * and cost add up over the LLM spans that are not judge calls. Output
 * columns reuse span column names, hence prefer_column_name_to_alias.
 */
export const TRACE_SUMMARY_SQL = `
SELECT
  trace_id,
  argMax(dataset_name, (dataset_name != '', is_root)) AS dataset,
  argMax(dataset_version, (dataset_version != '', is_root)) AS dataset_version,
  argMax(prompt_name, (prompt_name != '', is_root)) AS prompt,
  argMax(prompt_version, (prompt_version != '', is_root)) AS prompt_version,
  argMax(example_id, (example_id != '', is_root)) AS example_id,
  argMax(run_id, (run_id != '', is_root)) AS run_id,
  argMin(model, (model = '', NOT is_root, NOT is_llm, start_time)) AS model,
  NOT argMax(is_evaluation OR judge_name != '', is_root) AS is_task,
  max(is_root) AS has_root,
  anyIf(span_id, is_root) AS root_span_id,
  if(has_root, maxIf(duration_ns, is_root) / 1e6, NULL) AS latency_ms,
  sumIf(input_tokens, is_llm AND judge_name = '') AS input_tokens,
  sumIf(output_tokens, is_llm AND judge_name = '') AS output_tokens,
  sumIf(ifNull(cost_usd, 0), is_llm AND judge_name = '') AS cost_usd,
  countIf(is_llm AND judge_name = '' AND cost_usd IS NULL) AS unpriced_spans,
  countIf(is_llm AND judge_name = '') AS llm_spans,
  argMax(success, (success IS NOT NULL, is_root)) AS success,
  countIf(status_code = 2) > 0 AS has_error,
  toUnixTimestamp64Nano(min(start_time)) AS start_ns,
  toUnixTimestamp64Nano(max(end_time)) AS end_ns
FROM (
  SELECT * EXCEPT (attributes, resource_attributes, events, links)
  FROM spans
  WHERE project = {project:String}
  LIMIT 1 BY trace_id, span_id
)
GROUP BY trace_id
SETTINGS prefer_column_name_to_alias = 1`;

/** Extra per-trace columns for listings: the captured content a judge needs. */
export const TRACE_CONTENT_SQL = `
SELECT
  trace_id,
  anyIf(attributes['${ATTR.taskInput}'], is_root) AS task_input,
  anyIf(attributes['${ATTR.taskOutput}'], is_root) AS task_output,
  argMinIf(attributes['${ATTR.inputMessages}'], start_time, is_llm AND judge_name = '') AS llm_input,
  argMaxIf(attributes['${ATTR.outputMessages}'], end_time, is_llm AND judge_name = '') AS llm_output
FROM spans
WHERE project = {project:String} AND trace_id IN {trace_ids:Array(String)}
GROUP BY trace_id`;

/**
 * The latest evaluation per (evaluated trace, judge, judge version, evaluation
 * name): re-judging a trace with the same judge version replaces its score.
 * Deduplicated on evaluation_id so a re-sent evaluation counts once.
 */
export const LATEST_EVALUATIONS_SQL = `
SELECT
  target_trace_id AS trace_id,
  judge_name,
  judge_version,
  name,
  argMax(tuple(score, passed, label, explanation, evaluation_id), (time, evaluation_id)) AS latest,
  tupleElement(latest, 1) AS score,
  tupleElement(latest, 2) AS passed,
  tupleElement(latest, 3) AS label,
  tupleElement(latest, 4) AS explanation
FROM (
  SELECT * FROM evaluations
  WHERE project = {project:String}
  LIMIT 1 BY evaluation_id
)
GROUP BY trace_id, judge_name, judge_version, name
SETTINGS prefer_column_name_to_alias = 1`;
