import { ATTR } from '../../src/attributes.js';

/**
 * The per-trace resolution every query builds on. A trace's versions may sit
 * on any of its spans and arrive in separate requests, so they are resolved
 * at query time: a non-empty value wins, the root span's value over a
 * child's. A trace is a task unless its root (or, without a root, any span)
 * is an evaluation or carries a judge version: judge traces are not tasks.
 * Tokens and cost add up over the LLM spans that are not judge calls.
 *
 * Hot queries read trace_rollup (clickhouse/003_trace_rollup.sql), grouped
 * in key order; TRACE_SUMMARY_RAW_SQL computes the same columns from the raw
 * spans and is the reference a test and the query benchmark compare the
 * rollup against.
 */

/** The judge key (hash) and packed latest result of an evaluation row, as in trace_rollup_scores_mv. */
const SCORE_KEY = 'cityHash64(judge_name, judge_version, name)';
const SCORE_PACKED = `bitShiftLeft(toUInt256(toUnixTimestamp64Nano(time)), 192)
    + bitShiftLeft(toUInt256(cityHash64(evaluation_id)), 128)
    + bitShiftLeft(toUInt256(multiIf(passed IS NULL, 0, passed, 2, 1) * 2 + (score IS NOT NULL)), 64)
    + reinterpretAsUInt64(ifNull(score, 0))`;

/** Unpacking of a `scores` map value (see clickhouse/003_trace_rollup.sql). */
export const SCORE_OF = (v: string) => `reinterpretAsFloat64(toUInt64(bitAnd(${v}, 18446744073709551615)))`;
export const HAS_SCORE = (v: string) => `bitAnd(bitShiftRight(${v}, 64), 1) = 1`;
export const PASS_CODE = (v: string) => `toUInt8(bitAnd(bitShiftRight(${v}, 65), 3))`;

/** The names behind the scores maps' judge keys (a handful of rows per project). */
export const JUDGE_KEYS_SQL = `
SELECT DISTINCT key, judge_name, judge_version, name FROM judge_keys WHERE project = {project:String}`;

/**
 * Output columns reuse the source column names, hence prefer_column_name_to_alias.
 * Costs add up as Decimal128(12): exact, so the sum is the same in any order
 * (+ 5e-13 rounds to the nearest 1e-12 where toDecimal128 alone truncates).
 */
export const TRACE_SUMMARY_SQL = `
SELECT
  trace_id,
  substring(max(dataset), 2) AS dataset,
  substring(max(dataset_version), 2) AS dataset_version,
  substring(max(prompt), 2) AS prompt,
  substring(max(prompt_version), 2) AS prompt_version,
  substring(max(example_id), 2) AS example_id,
  substring(max(run_id), 2) AS run_id,
  if(min(model) = '~', '', substring(min(model), 18)) AS model,
  toBool(max(judged) % 2 = 0) AS is_task,
  toBool(startsWith(max(root_span_id), '1')) AS has_root,
  if(has_root, substring(max(root_span_id), 2), '') AS root_span_id,
  max(root_duration_ns) AS root_duration_ns,
  sum(input_tokens) AS input_tokens,
  sum(output_tokens) AS output_tokens,
  sum(cost_usd) AS cost_usd,
  sum(unpriced_spans) AS unpriced_spans,
  sum(llm_spans) AS llm_spans,
  if(max(success) >= 4, toBool(max(success) % 2 = 1), NULL) AS success,
  toBool(max(has_error) > 0) AS has_error,
  min(trace_start) AS trace_start,
  max(trace_end) AS trace_end,
  maxMap(scores) AS scores,
  if(has_root, max(root_duration_ns) / 1e6, NULL) AS latency_ms,
  toUnixTimestamp64Nano(min(trace_start)) AS start_ns,
  toUnixTimestamp64Nano(max(trace_end)) AS end_ns
FROM trace_rollup
WHERE project = {project:String}
GROUP BY trace_id
HAVING sum(spans) > 0
SETTINGS prefer_column_name_to_alias = 1, optimize_aggregation_in_order = 1`;

export const TRACE_SUMMARY_RAW_SQL = `
SELECT * FROM (
SELECT
  trace_id,
  substring(max(concat(toString((dataset_name != '') * 2 + is_root), toString(dataset_name))), 2) AS dataset,
  substring(max(concat(toString((dataset_version != '') * 2 + is_root), toString(dataset_version))), 2) AS dataset_version,
  substring(max(concat(toString((prompt_name != '') * 2 + is_root), toString(prompt_name))), 2) AS prompt,
  substring(max(concat(toString((prompt_version != '') * 2 + is_root), toString(prompt_version))), 2) AS prompt_version,
  substring(max(concat(toString((example_id != '') * 2 + is_root), example_id)), 2) AS example_id,
  substring(max(concat(toString((run_id != '') * 2 + is_root), run_id)), 2) AS run_id,
  substring(min(concat(toString((model = '') * 4 + (NOT is_root) * 2 + (NOT is_llm)), leftPad(hex(toUnixTimestamp64Nano(start_time)), 16, '0'), toString(model))), 18) AS model,
  toBool(max(toUInt8(is_root * 2 + (is_evaluation OR judge_name != ''))) % 2 = 0) AS is_task,
  max(is_root) AS has_root,
  if(has_root, substring(max(concat(toString(toUInt8(is_root)), span_id)), 2), '') AS root_span_id,
  max(if(is_root, duration_ns, 0)) AS root_duration_ns,
  sumIf(input_tokens, is_llm AND judge_name = '') AS input_tokens,
  sumIf(output_tokens, is_llm AND judge_name = '') AS output_tokens,
  sumIf(toDecimal128(ifNull(cost_usd, 0) + 5e-13, 12), is_llm AND judge_name = '') AS cost_usd,
  countIf(is_llm AND judge_name = '' AND cost_usd IS NULL) AS unpriced_spans,
  countIf(is_llm AND judge_name = '') AS llm_spans,
  if(max(toUInt8(((success IS NOT NULL) * 2 + is_root) * 2 + ifNull(success, false))) >= 4,
     toBool(max(toUInt8(((success IS NOT NULL) * 2 + is_root) * 2 + ifNull(success, false))) % 2 = 1), NULL) AS success,
  toBool(max(status_code = 2)) AS has_error,
  min(start_time) AS trace_start,
  max(end_time) AS trace_end,
  if(has_root, root_duration_ns / 1e6, NULL) AS latency_ms,
  toUnixTimestamp64Nano(trace_start) AS start_ns,
  toUnixTimestamp64Nano(trace_end) AS end_ns
FROM (
  SELECT * EXCEPT (attributes, resource_attributes, events, links)
  FROM spans
  WHERE project = {project:String}
  LIMIT 1 BY trace_id, span_id
)
GROUP BY trace_id
) AS t
LEFT JOIN (
  SELECT toFixedString(target_trace_id, 32) AS trace_id, maxMap(map(${SCORE_KEY}, ${SCORE_PACKED})) AS scores
  FROM evaluations WHERE project = {project:String} AND length(target_trace_id) = 32
  GROUP BY target_trace_id
) AS e USING trace_id
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
 * Evaluations are stored once (insert-time dedup), and the grouping follows
 * the table's sort key, so it aggregates in order without a hash table.
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
FROM evaluations
WHERE project = {project:String}
GROUP BY trace_id, judge_name, judge_version, name
SETTINGS prefer_column_name_to_alias = 1, optimize_aggregation_in_order = 1`;

/**
 * LATEST_EVALUATIONS_SQL reduced to what aggregates need. Score and pass are
 * argMax'd as plain numbers (NaN / -1 standing for null: ingest admits only
 * finite scores) over one fixed-size recency key, several times cheaper than
 * a tuple; ties in time fall to the evaluation id's hash, as deterministic.
 */
export const LATEST_SCORES_SQL = `
SELECT
  target_trace_id AS trace_id,
  judge_name,
  judge_version,
  name,
  argMax(ifNull(score, nan), bitShiftLeft(toUInt128(toUnixTimestamp64Nano(time)), 64) + cityHash64(evaluation_id)) AS latest_score,
  argMax(toInt8(ifNull(passed, -1)), bitShiftLeft(toUInt128(toUnixTimestamp64Nano(time)), 64) + cityHash64(evaluation_id)) AS latest_passed,
  if(isNaN(latest_score), NULL, latest_score) AS score,
  if(latest_passed < 0, NULL, toBool(latest_passed = 1)) AS passed
FROM evaluations
WHERE project = {project:String}
GROUP BY trace_id, judge_name, judge_version, name
SETTINGS prefer_column_name_to_alias = 1, optimize_aggregation_in_order = 1`;
