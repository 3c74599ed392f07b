-- Per-trace rollup: one row of aggregate states per trace, fed by two
-- materialized views (spans, evaluations) and merged in the background.
-- Hot queries read it instead of every span and every evaluation: at 10M
-- spans that is ~0.5M rows, with each trace's judge scores already beside it.
-- It is exact because the collector stores each span and each evaluation once
-- (insert-time dedup). The span expressions mirror TRACE_SUMMARY_RAW_SQL in
-- collector/query/traces-sql.ts; a test holds the two answers equal.
--
-- Priorities are packed into one integer (value present, then root span)
-- because argMax over a fixed-size key merges several times faster than over
-- a tuple. State columns end in _state so no alias shadows a span column.
--
-- scores_state maps "judge\x1fversion\x1fevaluation" to a packed UInt256 whose
-- maximum is the latest evaluation (time, then evaluation-id hash) and which
-- carries its result: bits 192+ time, 128+ id hash, 65-66 passed (0 none,
-- 1 fail, 2 pass), 64 score present, 0-63 the score's Float64 bits.

CREATE TABLE IF NOT EXISTS trace_rollup
(
    project LowCardinality(String),
    trace_id FixedString(32),
    spans_state AggregateFunction(sum, UInt64),
    dataset_state AggregateFunction(argMax, String, UInt8),
    dataset_version_state AggregateFunction(argMax, String, UInt8),
    prompt_state AggregateFunction(argMax, String, UInt8),
    prompt_version_state AggregateFunction(argMax, String, UInt8),
    example_id_state AggregateFunction(argMax, String, UInt8),
    run_id_state AggregateFunction(argMax, String, UInt8),
    model_state AggregateFunction(argMin, String, Int128),
    judged_state AggregateFunction(argMax, Bool, Bool),
    has_root_state AggregateFunction(max, Bool),
    root_span_id_state AggregateFunction(argMax, FixedString(16), Bool),
    root_duration_ns_state AggregateFunction(max, UInt64),
    input_tokens_state AggregateFunction(sum, UInt64),
    output_tokens_state AggregateFunction(sum, UInt64),
    cost_usd_state AggregateFunction(sum, Decimal(38, 12)),
    unpriced_spans_state AggregateFunction(sum, UInt64),
    llm_spans_state AggregateFunction(sum, UInt64),
    success_state AggregateFunction(argMax, Nullable(Bool), UInt8),
    has_error_state AggregateFunction(max, UInt8),
    start_time_state AggregateFunction(min, DateTime64(9)),
    end_time_state AggregateFunction(max, DateTime64(9)),
    scores_state AggregateFunction(maxMap, Map(String, UInt256))
)
ENGINE = AggregatingMergeTree
ORDER BY (project, trace_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_rollup_spans_mv TO trace_rollup AS
SELECT
    project,
    trace_id,
    sumState(toUInt64(1)) AS spans_state,
    argMaxState(dataset_name, toUInt8((dataset_name != '') * 2 + is_root)) AS dataset_state,
    argMaxState(dataset_version, toUInt8((dataset_version != '') * 2 + is_root)) AS dataset_version_state,
    argMaxState(prompt_name, toUInt8((prompt_name != '') * 2 + is_root)) AS prompt_state,
    argMaxState(prompt_version, toUInt8((prompt_version != '') * 2 + is_root)) AS prompt_version_state,
    argMaxState(example_id, toUInt8((example_id != '') * 2 + is_root)) AS example_id_state,
    argMaxState(run_id, toUInt8((run_id != '') * 2 + is_root)) AS run_id_state,
    argMinState(model, bitShiftLeft(toUInt128((model = '') * 4 + (NOT is_root) * 2 + (NOT is_llm)), 64) + toUnixTimestamp64Nano(start_time)) AS model_state,
    argMaxState(is_evaluation OR judge_name != '', is_root) AS judged_state,
    maxState(is_root) AS has_root_state,
    argMaxState(span_id, is_root) AS root_span_id_state,
    maxState(if(is_root, duration_ns, 0)) AS root_duration_ns_state,
    sumState(if(is_llm AND judge_name = '', input_tokens, 0)) AS input_tokens_state,
    sumState(if(is_llm AND judge_name = '', output_tokens, 0)) AS output_tokens_state,
    sumState(toDecimal128(if(is_llm AND judge_name = '', ifNull(cost_usd, 0), 0), 12)) AS cost_usd_state,
    sumState(toUInt64(is_llm AND judge_name = '' AND cost_usd IS NULL)) AS unpriced_spans_state,
    sumState(toUInt64(is_llm AND judge_name = '')) AS llm_spans_state,
    argMaxState(success, toUInt8(is_root)) AS success_state,
    maxState(status_code = 2) AS has_error_state,
    minState(start_time) AS start_time_state,
    maxState(end_time) AS end_time_state
FROM spans
GROUP BY project, trace_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_rollup_scores_mv TO trace_rollup AS
SELECT
    project,
    toFixedString(target_trace_id, 32) AS trace_id,
    maxMapState(map(
        concat(judge_name, '\x1f', judge_version, '\x1f', name),
        bitShiftLeft(toUInt256(toUnixTimestamp64Nano(time)), 192)
          + bitShiftLeft(toUInt256(cityHash64(evaluation_id)), 128)
          + bitShiftLeft(toUInt256(multiIf(passed IS NULL, 0, passed, 2, 1) * 2 + (score IS NOT NULL)), 64)
          + reinterpretAsUInt64(ifNull(score, 0))
    )) AS scores_state
FROM evaluations
WHERE length(target_trace_id) = 32
GROUP BY project, target_trace_id;
