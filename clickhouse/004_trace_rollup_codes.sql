-- Per-trace rollup, v2: every column the hot queries aggregate is a number.
-- At 10M spans (0.5M traces) the per-trace GROUP BY over string and map
-- columns cost ~0.8 s; over integers it costs ~0.15 s. So:
--
-- * dataset, dataset_version, prompt, prompt_version hold a code: the value's
--   priority (2 bits: value present, root span) over a 62-bit hash of the
--   value (cityHash64 >> 2; 0 for the empty string). max() picks the same
--   span the string rule did; equal priorities fall to the greater hash,
--   which is as deterministic. value_names maps codes back to values.
-- * model is min() over flags (3 bits: no model, not root, not an LLM span),
--   then the start time in ns (63 bits), then the model's 62-bit hash: the
--   first LLM span's model, the root's own model first.
-- * scores is an array the merges simply concatenate (cheap, where maxMap was
--   the single largest cost); queries keep the latest entry per judge key.
--   Each entry is a UInt256: bits 192+ the judge key cityHash64(judge,
--   version, evaluation), named in judge_keys; 128+ the evaluation time in
--   ns; 67+ the evaluation id's hash (>> 3) breaking ties in time; 65-66
--   passed (0 none, 1 fail, 2 pass); 64 score present; 0-63 the score's
--   Float64 bits. Sorted descending, an entry's key then recency decide.
--
-- The span expressions mirror traceRowsRawSql in collector/query/traces-sql.ts;
-- a test holds the rollup's answers equal to the raw tables'. The old rollup
-- is dropped; the collector rebuilds the new one from spans and evaluations
-- after applying this migration to a store that has data.

DROP VIEW IF EXISTS trace_rollup_spans_mv;
DROP VIEW IF EXISTS trace_rollup_scores_mv;
DROP TABLE IF EXISTS trace_rollup;

CREATE TABLE IF NOT EXISTS trace_rollup
(
    project LowCardinality(String),
    trace_id FixedString(32),
    spans SimpleAggregateFunction(sum, UInt64),
    dataset SimpleAggregateFunction(max, UInt64),
    dataset_version SimpleAggregateFunction(max, UInt64),
    prompt SimpleAggregateFunction(max, UInt64),
    prompt_version SimpleAggregateFunction(max, UInt64),
    -- Rows from the scores view carry no span: their model sorts after every real one.
    model SimpleAggregateFunction(min, UInt128) DEFAULT toUInt128('340282366920938463463374607431768211455'),
    example_id SimpleAggregateFunction(max, String),
    run_id SimpleAggregateFunction(max, String),
    judged SimpleAggregateFunction(max, UInt8),
    root_span_id SimpleAggregateFunction(max, String),
    root_duration_ns SimpleAggregateFunction(max, UInt64),
    input_tokens SimpleAggregateFunction(sum, UInt64),
    output_tokens SimpleAggregateFunction(sum, UInt64),
    cost_usd SimpleAggregateFunction(sum, Decimal(38, 12)),
    unpriced_spans SimpleAggregateFunction(sum, UInt64),
    llm_spans SimpleAggregateFunction(sum, UInt64),
    success SimpleAggregateFunction(max, UInt8),
    has_error SimpleAggregateFunction(max, UInt8),
    trace_start SimpleAggregateFunction(min, DateTime64(9)) DEFAULT toDateTime64('2262-04-11 23:47:16', 9, 'UTC'),
    trace_end SimpleAggregateFunction(max, DateTime64(9)),
    scores SimpleAggregateFunction(groupArrayArray, Array(UInt256))
)
ENGINE = AggregatingMergeTree
ORDER BY (project, trace_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_rollup_spans_mv TO trace_rollup AS
SELECT
    project,
    trace_id,
    toUInt64(count()) AS spans,
    max(bitShiftLeft(toUInt64((dataset_name != '') * 2 + is_root), 62) + if(dataset_name = '', 0, bitShiftRight(cityHash64(toString(dataset_name)), 2))) AS dataset,
    max(bitShiftLeft(toUInt64((dataset_version != '') * 2 + is_root), 62) + if(dataset_version = '', 0, bitShiftRight(cityHash64(toString(dataset_version)), 2))) AS dataset_version,
    max(bitShiftLeft(toUInt64((prompt_name != '') * 2 + is_root), 62) + if(prompt_name = '', 0, bitShiftRight(cityHash64(toString(prompt_name)), 2))) AS prompt,
    max(bitShiftLeft(toUInt64((prompt_version != '') * 2 + is_root), 62) + if(prompt_version = '', 0, bitShiftRight(cityHash64(toString(prompt_version)), 2))) AS prompt_version,
    min(bitShiftLeft(toUInt128((model = '') * 4 + (NOT is_root) * 2 + (NOT is_llm)), 125)
        + bitShiftLeft(toUInt128(greatest(toUnixTimestamp64Nano(start_time), 0)), 62)
        + if(model = '', 0, bitShiftRight(cityHash64(toString(model)), 2))) AS model,
    max(concat(toString((example_id != '') * 2 + is_root), example_id)) AS example_id,
    max(concat(toString((run_id != '') * 2 + is_root), run_id)) AS run_id,
    max(toUInt8(is_root * 2 + (is_evaluation OR judge_name != ''))) AS judged,
    max(concat(toString(toUInt8(is_root)), span_id)) AS root_span_id,
    max(if(is_root, duration_ns, 0)) AS root_duration_ns,
    sum(if(is_llm AND judge_name = '', input_tokens, 0)) AS input_tokens,
    sum(if(is_llm AND judge_name = '', output_tokens, 0)) AS output_tokens,
    sum(toDecimal128(if(is_llm AND judge_name = '', ifNull(cost_usd, 0), 0) + 5e-13, 12)) AS cost_usd,
    toUInt64(countIf(is_llm AND judge_name = '' AND cost_usd IS NULL)) AS unpriced_spans,
    toUInt64(countIf(is_llm AND judge_name = '')) AS llm_spans,
    max(toUInt8(((success IS NOT NULL) * 2 + is_root) * 2 + ifNull(success, false))) AS success,
    max(toUInt8(status_code = 2)) AS has_error,
    min(start_time) AS trace_start,
    max(end_time) AS trace_end
FROM spans
GROUP BY project, trace_id
SETTINGS prefer_column_name_to_alias = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_rollup_scores_mv TO trace_rollup AS
SELECT
    project,
    toFixedString(target_trace_id, 32) AS trace_id,
    groupArray(
        bitShiftLeft(toUInt256(cityHash64(judge_name, judge_version, name)), 192)
          + bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Nano(time), 0)), 128)
          + bitShiftLeft(toUInt256(bitShiftRight(cityHash64(evaluation_id), 3)), 67)
          + bitShiftLeft(toUInt256(multiIf(passed IS NULL, 0, passed, 2, 1) * 2 + (score IS NOT NULL)), 64)
          + reinterpretAsUInt64(ifNull(score, 0))
    ) AS scores
FROM evaluations
WHERE length(target_trace_id) = 32
GROUP BY project, target_trace_id;

-- The values behind the rollup's codes: a handful of rows per project.
CREATE TABLE IF NOT EXISTS value_names
(
    project LowCardinality(String),
    code UInt64,
    value String
)
ENGINE = ReplacingMergeTree
ORDER BY (project, code);

CREATE MATERIALIZED VIEW IF NOT EXISTS value_names_mv TO value_names AS
SELECT DISTINCT project, bitShiftRight(cityHash64(value), 2) AS code, value
FROM spans
ARRAY JOIN [toString(dataset_name), toString(dataset_version), toString(prompt_name), toString(prompt_version), toString(model)] AS value
WHERE value != ''
SETTINGS prefer_column_name_to_alias = 1;
