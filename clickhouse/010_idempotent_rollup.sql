-- Per-trace rollup, v3: exact however often a span is stored. Several
-- collectors behind a load balancer can each store a span that an exporter
-- retried to both (insert-time dedup only sees what is already committed),
-- and the v2 rollup summed tokens, cost and span counts per stored row, so
-- such a span counted twice. Every other column is a max/min or keeps the
-- latest entry per judge key, which a duplicate row does not change. The
-- sums now come from llm_parts: one UInt256 per LLM span that is not a judge
-- call, kept as a set (groupUniqArray), so a duplicate of a span adds the
-- same element and the set is unchanged:
--   bits 192+ cityHash64(span id); 128-191 the cost in 1e-12 USD (rounded);
--   96-127 input tokens, 64-95 output tokens (each capped at 2^32 - 1);
--   bit 0 set when the span has no price.
-- Queries read the sums only for traces changed since the latest compaction
-- (compacted traces keep plain columns in trace_resolved), so the sets cost
-- little. has_spans replaces the span count, which only said "has spans".
-- The span expressions mirror traceRowsRawSql in collector/query/traces-sql.ts;
-- a test holds the rollup's answers equal to the raw tables'. The collector
-- rebuilds the rollup from spans and evaluations after this migration.

DROP VIEW IF EXISTS trace_rollup_spans_mv;
DROP VIEW IF EXISTS trace_rollup_scores_mv;
DROP TABLE IF EXISTS trace_rollup;

CREATE TABLE IF NOT EXISTS trace_rollup
(
    project LowCardinality(String),
    trace_id FixedString(32),
    has_spans SimpleAggregateFunction(max, UInt8),
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
    llm_parts SimpleAggregateFunction(groupUniqArrayArray, Array(UInt256)),
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
    toUInt8(1) AS has_spans,
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
    groupUniqArrayIf(
        bitShiftLeft(toUInt256(cityHash64(span_id)), 192)
          + bitShiftLeft(toUInt256(toUInt64(round(ifNull(cost_usd, 0) * 1e12))), 128)
          + bitShiftLeft(toUInt256(least(input_tokens, 4294967295)), 96)
          + bitShiftLeft(toUInt256(least(output_tokens, 4294967295)), 64)
          + toUInt256(cost_usd IS NULL),
        is_llm AND judge_name = ''
    ) AS llm_parts,
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
