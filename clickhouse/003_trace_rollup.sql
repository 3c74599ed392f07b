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
-- by row, and each is a String or an integer so max/min take ClickHouse's
-- fast paths (a tuple would take the generic, several times slower one).
-- "argMax(value, priority)" is max(concat(priority digit, value)): the
-- priority packs "value present" over "root span"; equal priorities fall to
-- the greater value, which is as deterministic. The model's priority is a
-- fixed-width hex prefix (flags, then start time) under min. Costs add up as
-- Decimal128(12), exact in any order; + 5e-13 rounds to the nearest 1e-12
-- where toDecimal128 alone would truncate.
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
    dataset SimpleAggregateFunction(max, String),
    dataset_version SimpleAggregateFunction(max, String),
    prompt SimpleAggregateFunction(max, String),
    prompt_version SimpleAggregateFunction(max, String),
    example_id SimpleAggregateFunction(max, String),
    run_id SimpleAggregateFunction(max, String),
    -- min columns default above any real value: rows from the scores view carry no span data.
    model SimpleAggregateFunction(min, String) DEFAULT '~',
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
    scores SimpleAggregateFunction(maxMap, Map(UInt64, UInt256))
)
ENGINE = AggregatingMergeTree
ORDER BY (project, trace_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_rollup_spans_mv TO trace_rollup AS
SELECT
    project,
    trace_id,
    toUInt64(count()) AS spans,
    max(concat(toString((dataset_name != '') * 2 + is_root), toString(dataset_name))) AS dataset,
    max(concat(toString((dataset_version != '') * 2 + is_root), toString(dataset_version))) AS dataset_version,
    max(concat(toString((prompt_name != '') * 2 + is_root), toString(prompt_name))) AS prompt,
    max(concat(toString((prompt_version != '') * 2 + is_root), toString(prompt_version))) AS prompt_version,
    max(concat(toString((example_id != '') * 2 + is_root), example_id)) AS example_id,
    max(concat(toString((run_id != '') * 2 + is_root), run_id)) AS run_id,
    min(concat(toString((model = '') * 4 + (NOT is_root) * 2 + (NOT is_llm)), leftPad(hex(toUnixTimestamp64Nano(start_time)), 16, '0'), toString(model))) AS model,
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
