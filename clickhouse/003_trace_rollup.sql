-- Per-trace rollup: one row per trace (after background merges), fed by two
-- materialized views (spans, evaluations). Hot queries read it instead of
-- every span and every evaluation: at 10M spans that is ~0.5M rows, with
-- each trace's latest judge results beside it. It is exact because the
-- collector stores each span and each evaluation once (insert-time dedup).
-- The span expressions mirror TRACE_SUMMARY_RAW_SQL in
-- collector/query/traces-sql.ts; a test holds the two answers equal.
--
-- Columns are SimpleAggregateFunction (plain values, merged by max/min/sum)
-- rather than aggregate states, which queries would have to deserialize row
-- by row. "argMax(value, priority)" is max((priority, value)): the priority
-- packs "value present" over "root span"; equal priorities fall to the
-- greater value, which is as deterministic.
--
-- scores maps cityHash64(judge, version, evaluation) — named in judge_keys —
-- to a packed UInt256 whose maximum is the latest evaluation (time, then
-- evaluation-id hash) and which carries its result: bits 192+ time, 128+ id
-- hash, 65-66 passed (0 none, 1 fail, 2 pass), 64 score present, 0-63 the
-- score's Float64 bits.

CREATE TABLE IF NOT EXISTS trace_rollup
(
    project LowCardinality(String),
    trace_id FixedString(32),
    spans SimpleAggregateFunction(sum, UInt64),
    dataset SimpleAggregateFunction(max, Tuple(UInt8, String)),
    dataset_version SimpleAggregateFunction(max, Tuple(UInt8, String)),
    prompt SimpleAggregateFunction(max, Tuple(UInt8, String)),
    prompt_version SimpleAggregateFunction(max, Tuple(UInt8, String)),
    example_id SimpleAggregateFunction(max, Tuple(UInt8, String)),
    run_id SimpleAggregateFunction(max, Tuple(UInt8, String)),
    -- min columns default to their largest value: rows from the scores view carry no span data.
    model SimpleAggregateFunction(min, Tuple(Int128, String)) DEFAULT (toInt128('170141183460469231731687303715884105727'), ''),
    judged SimpleAggregateFunction(max, Tuple(Bool, Bool)),
    root_span_id SimpleAggregateFunction(max, Tuple(Bool, FixedString(16))),
    root_duration_ns SimpleAggregateFunction(max, UInt64),
    input_tokens SimpleAggregateFunction(sum, UInt64),
    output_tokens SimpleAggregateFunction(sum, UInt64),
    cost_usd SimpleAggregateFunction(sum, Decimal(38, 12)),
    unpriced_spans SimpleAggregateFunction(sum, UInt64),
    llm_spans SimpleAggregateFunction(sum, UInt64),
    success SimpleAggregateFunction(max, Tuple(UInt8, Bool)),
    has_error SimpleAggregateFunction(max, UInt8),
    trace_start SimpleAggregateFunction(min, DateTime64(9)) DEFAULT toDateTime64('2262-04-11 23:47:16', 9, 'UTC'),
    trace_end SimpleAggregateFunction(max, DateTime64(9)),
    scores SimpleAggregateFunction(maxMap, Map(UInt64, UInt256))
)
ENGINE = AggregatingMergeTree
ORDER BY (project, trace_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_rollup_spans_mv TO trace_rollup AS
SELECT
    project,
    trace_id,
    toUInt64(count()) AS spans,
    max((toUInt8((dataset_name != '') * 2 + is_root), toString(dataset_name))) AS dataset,
    max((toUInt8((dataset_version != '') * 2 + is_root), toString(dataset_version))) AS dataset_version,
    max((toUInt8((prompt_name != '') * 2 + is_root), toString(prompt_name))) AS prompt,
    max((toUInt8((prompt_version != '') * 2 + is_root), toString(prompt_version))) AS prompt_version,
    max((toUInt8((example_id != '') * 2 + is_root), example_id)) AS example_id,
    max((toUInt8((run_id != '') * 2 + is_root), run_id)) AS run_id,
    min((toInt128(bitShiftLeft(toUInt128((model = '') * 4 + (NOT is_root) * 2 + (NOT is_llm)), 64) + toUnixTimestamp64Nano(start_time)), toString(model))) AS model,
    max((is_root, is_evaluation OR judge_name != '')) AS judged,
    max((is_root, span_id)) AS root_span_id,
    max(if(is_root, duration_ns, 0)) AS root_duration_ns,
    sum(if(is_llm AND judge_name = '', input_tokens, 0)) AS input_tokens,
    sum(if(is_llm AND judge_name = '', output_tokens, 0)) AS output_tokens,
    sum(toDecimal128(if(is_llm AND judge_name = '', ifNull(cost_usd, 0), 0), 12)) AS cost_usd,
    toUInt64(countIf(is_llm AND judge_name = '' AND cost_usd IS NULL)) AS unpriced_spans,
    toUInt64(countIf(is_llm AND judge_name = '')) AS llm_spans,
    max((toUInt8((success IS NOT NULL) * 2 + is_root), ifNull(success, false))) AS success,
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
    maxMap(map(
        cityHash64(judge_name, judge_version, name),
        bitShiftLeft(toUInt256(toUnixTimestamp64Nano(time)), 192)
          + bitShiftLeft(toUInt256(cityHash64(evaluation_id)), 128)
          + bitShiftLeft(toUInt256(multiIf(passed IS NULL, 0, passed, 2, 1) * 2 + (score IS NOT NULL)), 64)
          + reinterpretAsUInt64(ifNull(score, 0))
    )) AS scores
FROM evaluations
WHERE length(target_trace_id) = 32
GROUP BY project, target_trace_id;

CREATE TABLE IF NOT EXISTS judge_keys
(
    project LowCardinality(String),
    key UInt64,
    judge_name String,
    judge_version String,
    name String
)
ENGINE = ReplacingMergeTree
ORDER BY (project, key);

CREATE MATERIALIZED VIEW IF NOT EXISTS judge_keys_mv TO judge_keys AS
SELECT DISTINCT project, cityHash64(judge_name, judge_version, name) AS key, toString(judge_name) AS judge_name,
    toString(judge_version) AS judge_version, toString(name) AS name
FROM evaluations;
