import { ATTR } from '@evaltrace/semantic-conventions';

/**
 * The per-trace resolution every query builds on. A trace's versions may sit
 * on any of its spans and arrive in separate requests, so they are resolved
 * from every row stored so far: a non-empty value wins, the root span's value
 * over a child's. A trace is a task unless its root (or, without a root, any span)
 * is an evaluation or carries a judge version: judge traces are not tasks.
 * Tokens and cost add up over the LLM spans that are not judge calls.
 *
 * Hot queries read compacted summaries (clickhouse/006_trace_compaction.sql)
 * and resolve the traces changed since from trace_rollup
 * (clickhouse/004_trace_rollup_codes.sql); the same resolution over rows
 * computed from the raw spans and evaluations is the reference tests and the
 * query benchmark hold their answers equal to.
 */

/**
 * A value's code in the rollup (clickhouse/004_trace_rollup_codes.sql): a
 * 62-bit hash, 0 for the empty string. Filters compare codes, so a filter on
 * a name never decodes the traces it skips.
 */
export const CODE_OF = (v: string) => `if(${v} = '', toUInt64(0), bitShiftRight(cityHash64(${v}), 2))`;

/** Decoding of a scores entry (see the migration): key, then the latest result it carries. */
export const SCORE_KEY = (v: string) => `toUInt64(bitShiftRight(${v}, 192))`;
export const SCORE_OF = (v: string) => `reinterpretAsFloat64(toUInt64(bitAnd(${v}, 18446744073709551615)))`;
export const HAS_SCORE = (v: string) => `bitAnd(bitShiftRight(${v}, 64), 1) = 1`;
export const PASS_CODE = (v: string) => `toUInt8(bitAnd(bitShiftRight(${v}, 65), 3))`;
/** The entry of judge key `key` in a trace's scores, 0 when it has none. */
export const SCORE_ENTRY = (scores: string, key: string) => `arrayFirst(x -> ${SCORE_KEY('x')} = ${key}, ${scores})`;

/** The names behind the scores' judge keys (a handful of rows per project). */
export const JUDGE_KEYS_SQL = `
SELECT DISTINCT key, judge_name, judge_version, name FROM judge_keys WHERE project = {project:String}`;

/** (codes, values) of the project's names, for transform(): a handful of rows per project. */
const NAMES = `(SELECT (groupArray(code), groupArray(value)) FROM (
  SELECT DISTINCT code, value FROM value_names WHERE project = {project:String}))`;
export const DECODE = (code: string) => `transform(${code}, names.1, names.2, '')`;
export const NAMES_WITH = `${NAMES} AS names`;

/** What the codes of a trace's configs stand for in the project: (code, config_hash, model, params), a handful of rows. */
export const CONFIG_NAMES_SQL = `
SELECT code, any(first) AS config_hash, any(second) AS model, any(params) AS params FROM pair_names WHERE project = {project:String} GROUP BY code`;

/** The envelope pairs of the resources a trace's envelope codes name: (code, key, value), a handful of rows. */
export const ENVELOPE_PAIRS_SQL = `
SELECT DISTINCT code, first AS key, second AS value FROM pair_names WHERE project = {project:String} AND params = ''`;

/** A code column's value for a row whose value is present (priority ≥ 2); 0 otherwise. */
export const PRESENT_CODE = (v: string) => `if(${v} >= 9223372036854775808, bitAnd(${v}, 4611686018427387903), 0)`;
/** The model column's code for a row that has a model; 0 otherwise. */
export const MODEL_CODE = (v: string) => `if(${v} >= bitShiftLeft(toUInt128(4), 125), 0, toUInt64(bitAnd(${v}, 4611686018427387903)))`;

/**
 * The per-trace resolution of rows shaped like trace_rollup (one or more per
 * trace), as (name, expression) pairs over a GROUP BY trace_id. Output
 * columns reuse the source column names, hence prefer_column_name_to_alias.
 * Codes (*_k) serve grouping and filters; names are decoded only where a
 * query reads them (traceSummarySql). Costs add up as Decimal128(12): exact,
 * so the sum is the same in any order. `scores` keeps the latest entry per
 * judge key (sorted descending: key, then time). Tokens and cost add up over
 * the set of LLM-span elements, so a span stored twice counts once. Compaction writes these
 * columns to trace_resolved (compaction/compactor.ts), whose schema they match.
 */
const RESOLUTION: ReadonlyArray<readonly [string, string]> = [
  ['trace_id', 'trace_id'],
  ['dataset_k', PRESENT_CODE('max(dataset)')],
  ['dataset_version_k', PRESENT_CODE('max(dataset_version)')],
  ['prompt_k', PRESENT_CODE('max(prompt)')],
  ['prompt_version_k', PRESENT_CODE('max(prompt_version)')],
  ['model_k', MODEL_CODE('min(model)')],
  ['example_id', 'substring(max(example_id), 2)'],
  ['run_id', 'substring(max(run_id), 2)'],
  ['is_task', 'toBool(max(judged) % 2 = 0)'],
  /* judged also flags the root (2 on its row): max() over a number, not over the root_span_id strings */
  ['has_root', 'toBool(max(judged) >= 2)'],
  ['root_span_id', "if(has_root, substring(max(root_span_id), 2), '')"],
  ['root_duration_ns', 'toUInt64(max(root_duration_ns))'],
  // One element per LLM span however often it was stored (clickhouse/010_idempotent_rollup.sql): the sums cannot double count.
  ['input_tokens', `arraySum(x -> toUInt64(bitAnd(bitShiftRight(x, 96), 4294967295)), groupUniqArrayArray(llm_parts) AS parts)`],
  ['output_tokens', 'arraySum(x -> toUInt64(bitAnd(bitShiftRight(x, 64), 4294967295)), parts)'],
  ['cost_usd', `toDecimal128(arraySum(x -> toUInt64(bitAnd(bitShiftRight(x, 128), 18446744073709551615)), parts), 0) * toDecimal128('0.000000000001', 12)`],
  ['unpriced_spans', 'toUInt64(arrayCount(x -> bitAnd(x, 1) = 1, parts))'],
  ['llm_spans', 'toUInt64(length(parts))'],
  ['success', 'if(max(success) >= 4, toBool(max(success) % 2 = 1), NULL)'],
  ['has_error', 'toBool(max(has_error) > 0)'],
  ['trace_start', "CAST(min(trace_start), 'DateTime64(9)')"],
  ['trace_end', "CAST(max(trace_end), 'DateTime64(9)')"],
  [
    'scores',
    `arrayFilter((x, i) -> i = 1, arrayReverseSort(groupArrayArray(scores)) AS sorted_scores,
      arrayEnumerateUniq(arrayMap(x -> ${SCORE_KEY('x')}, sorted_scores)))`,
  ],
  // Sets of codes (clickhouse/012_run_configs.sql): (config hash, model) of the task's LLM calls; the resources its spans came from.
  ['configs', 'arraySort(groupUniqArrayArray(configs))'],
  ['envelope', 'arraySort(groupUniqArrayArray(envelope))'],
];

/** The columns of a resolved trace, in trace_resolved's order. */
export const RESOLVED_COLUMNS = RESOLUTION.map(([name]) => name).join(', ');
const RESOLVED_EXPRESSIONS = RESOLUTION.map(([name, sql]) => (sql === name ? name : `${sql} AS ${name}`)).join(',\n  ');

/**
 * Resolved traces of `from`'s rows that pass `where`, grouped by `groupBy`
 * (trace_id within one project; project, trace_id for compaction). A trace
 * with no span (only evaluations) is none.
 */
export const resolveSql = (from: string, where: string, groupBy = 'trace_id') => `
SELECT ${groupBy === 'trace_id' ? '' : 'project, '}${RESOLVED_EXPRESSIONS}
FROM ${from}
WHERE ${where}
GROUP BY ${groupBy}
HAVING max(has_spans) > 0
SETTINGS prefer_column_name_to_alias = 1`;

/** The latest compaction's generation, 0 when there is none; one scalar, evaluated once per query wherever it appears. */
const GENERATION = '(SELECT max(generation) FROM trace_compactions)';
/** Traces of the project written to since that generation: the compacted rows of these are stale. */
const CHANGED = `(SELECT trace_id FROM trace_writes WHERE project = {project:String} AND written_us > ${GENERATION})`;

/** Which traces a summary covers: a condition on trace_id (any source), and one on the rows it resolves traces from. */
export interface SummaryWhere {
  traces?: string;
  rows?: string;
}

/**
 * The per-trace summaries every query builds on, of the traces that pass
 * `where`. The hot source, 'compacted', reads the latest generation of
 * trace_resolved for the traces unchanged since it was written and resolves
 * the rest (those written to since, and all of them before the first
 * compaction) from the rollup: the answer is the rollup's, at a fraction of
 * the cost once most traces have settled. 'rollup' resolves every trace from
 * the rollup, 'raw' from rows computed from the raw tables (the reference).
 */
export const traceSummarySql = (source: SummarySource = 'compacted', where: SummaryWhere = {}) => {
  const traces = where.traces ?? '1';
  const rows = where.rows ?? '1';
  const live = (condition: string) => resolveSql(SOURCES[source], `project = {project:String} AND ${traces} AND ${rows} AND ${condition}`);
  const resolved =
    source === 'compacted'
      ? `SELECT ${RESOLVED_COLUMNS} FROM trace_resolved
         WHERE generation = ${GENERATION} AND project = {project:String} AND ${traces}
           AND trace_id NOT IN ${CHANGED}
         UNION ALL
         SELECT * FROM (${live(`trace_id IN ${CHANGED}`)})`
      : live('1');
  return `
WITH ${NAMES_WITH}
SELECT *,
  ${DECODE('dataset_k')} AS dataset,
  ${DECODE('dataset_version_k')} AS dataset_version,
  ${DECODE('prompt_k')} AS prompt,
  ${DECODE('prompt_version_k')} AS prompt_version,
  ${DECODE('model_k')} AS model,
  if(has_root, root_duration_ns / 1e6, NULL) AS latency_ms,
  toUnixTimestamp64Nano(trace_start) AS start_ns,
  toUnixTimestamp64Nano(trace_end) AS end_ns
FROM (${resolved})`;
};

/** A configuration's code in a trace's configs (clickhouse/012_run_configs.sql). */
const PAIR_CODE = (configHash: string, model: string) => `bitShiftRight(cityHash64(${configHash}, ${model}), 2)`;

/**
 * The rows trace_rollup's views would write, computed here from the raw
 * spans (deduplicated) and evaluations, one per span and one per
 * evaluation: the reference a test and the query benchmark hold the
 * rollup's answers equal to. Its expressions mirror the views' by hand.
 */
const TRACE_ROWS_RAW_SQL = `(
SELECT
  project,
  trace_id,
  toUInt8(1) AS has_spans,
  bitShiftLeft(toUInt64((dataset_name != '') * 2 + is_root), 62) + ${CODE_OF('toString(dataset_name)')} AS dataset,
  bitShiftLeft(toUInt64((dataset_version != '') * 2 + is_root), 62) + ${CODE_OF('toString(dataset_version)')} AS dataset_version,
  bitShiftLeft(toUInt64((prompt_name != '') * 2 + is_root), 62) + ${CODE_OF('toString(prompt_name)')} AS prompt,
  bitShiftLeft(toUInt64((prompt_version != '') * 2 + is_root), 62) + ${CODE_OF('toString(prompt_version)')} AS prompt_version,
  bitShiftLeft(toUInt128((model = '') * 4 + (NOT is_root) * 2 + (NOT is_llm)), 125)
    + bitShiftLeft(toUInt128(greatest(toUnixTimestamp64Nano(start_time), 0)), 62) + ${CODE_OF('toString(model)')} AS model,
  concat(toString((example_id != '') * 2 + is_root), example_id) AS example_id,
  concat(toString((run_id != '') * 2 + is_root), run_id) AS run_id,
  toUInt8(is_root * 2 + (is_evaluation OR judge_name != '')) AS judged,
  concat(toString(toUInt8(is_root)), span_id) AS root_span_id,
  if(is_root, duration_ns, 0) AS root_duration_ns,
  if(is_llm AND judge_name = '',
    [bitShiftLeft(toUInt256(cityHash64(span_id)), 192)
      + bitShiftLeft(toUInt256(toUInt64(round(ifNull(cost_usd, 0) * 1e12))), 128)
      + bitShiftLeft(toUInt256(least(input_tokens, 4294967295)), 96)
      + bitShiftLeft(toUInt256(least(output_tokens, 4294967295)), 64)
      + toUInt256(cost_usd IS NULL)],
    CAST([], 'Array(UInt256)')) AS llm_parts,
  toUInt8(((success IS NOT NULL) * 2 + is_root) * 2 + ifNull(success, false)) AS success,
  toUInt8(status_code = 2) AS has_error,
  start_time AS trace_start,
  end_time AS trace_end,
  CAST([], 'Array(UInt256)') AS scores,
  if(is_llm AND judge_name = '' AND config_hash != '', [${PAIR_CODE('toString(config_hash)', 'toString(model)')}], CAST([], 'Array(UInt64)')) AS configs,
  [bitShiftRight(cityHash64(resource_attributes), 2)] AS envelope
FROM (SELECT * EXCEPT (attributes, events, links) FROM spans LIMIT 1 BY project, trace_id, span_id)
UNION ALL
SELECT
  project,
  toFixedString(target_trace_id, 32) AS trace_id,
  toUInt8(0), toUInt64(0), toUInt64(0), toUInt64(0), toUInt64(0),
  toUInt128('340282366920938463463374607431768211455'), '', '', toUInt8(0), '', toUInt64(0),
  CAST([], 'Array(UInt256)'), toUInt8(0), toUInt8(0),
  toDateTime64('2262-04-11 23:47:16', 9, 'UTC'), toDateTime64(0, 9, 'UTC'),
  [bitShiftLeft(toUInt256(cityHash64(judge_name, judge_version, name)), 192)
    + bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Nano(time), 0)), 128)
    + bitShiftLeft(toUInt256(bitShiftRight(cityHash64(evaluation_id), 3)), 67)
    + bitShiftLeft(toUInt256(multiIf(passed IS NULL, 0, passed, 2, 1) * 2 + (score IS NOT NULL)), 64)
    + reinterpretAsUInt64(ifNull(score, 0))],
  CAST([], 'Array(UInt64)'), CAST([], 'Array(UInt64)')
FROM evaluations
WHERE length(target_trace_id) = 32
SETTINGS prefer_column_name_to_alias = 1)`;

/** Hot queries read compacted traces and the rollup; the raw tables are the reference both are checked against. */
export type SummarySource = 'compacted' | 'rollup' | 'raw';
/** The rows each source resolves traces from. */
export const SOURCES: Record<SummarySource, string> = { compacted: 'trace_rollup', rollup: 'trace_rollup', raw: TRACE_ROWS_RAW_SQL };

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

/** An evaluation's recency, ordered as in the rollup's scores: time, then the evaluation id's hash. */
const RECENCY = 'bitShiftLeft(toUInt128(greatest(toUnixTimestamp64Nano(time), 0)), 64) + bitShiftRight(cityHash64(evaluation_id), 3)';

/**
 * The latest evaluation per (evaluated trace, judge, judge version, evaluation
 * name): re-judging a trace with the same judge version replaces its score.
 * Evaluations are stored once (insert-time dedup). (An in-order aggregation
 * setting here would not reach the plan: these run as subqueries.)
 */
export const LATEST_EVALUATIONS_SQL = `
SELECT
  target_trace_id AS trace_id,
  judge_name,
  judge_version,
  name,
  argMax(tuple(score, passed, label, explanation, evaluation_id), ${RECENCY}) AS latest,
  tupleElement(latest, 1) AS score,
  tupleElement(latest, 2) AS passed,
  tupleElement(latest, 3) AS label,
  tupleElement(latest, 4) AS explanation
FROM evaluations
WHERE project = {project:String}
GROUP BY trace_id, judge_name, judge_version, name
SETTINGS prefer_column_name_to_alias = 1`;

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
  argMax(ifNull(score, nan), ${RECENCY}) AS latest_score,
  argMax(toInt8(ifNull(passed, -1)), ${RECENCY}) AS latest_passed,
  if(isNaN(latest_score), NULL, latest_score) AS score,
  if(latest_passed < 0, NULL, toBool(latest_passed = 1)) AS passed
FROM evaluations
WHERE project = {project:String}
GROUP BY trace_id, judge_name, judge_version, name
SETTINGS prefer_column_name_to_alias = 1`;
