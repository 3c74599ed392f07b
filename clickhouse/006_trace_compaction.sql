-- Compacted trace summaries. Resolving a trace from its rollup rows (one
-- GROUP BY over every trace) is most of what a query over many traces costs;
-- most traces stop changing minutes after they are written. So the collector
-- now and then writes every trace's resolved summary once, as a generation of
-- trace_resolved, and queries read those rows for the traces written to
-- nothing since, resolving only the others from the rollup
-- (collector/query/traces-sql.ts, collector/compaction/compactor.ts).

-- When each trace was last written to: the insert's time in µs, stamped by
-- the views (a rebuild stamps every trace anew, so nothing compacted before
-- it is trusted after it).
CREATE TABLE IF NOT EXISTS trace_writes
(
    project LowCardinality(String),
    trace_id FixedString(32),
    written_us SimpleAggregateFunction(max, UInt64)
)
ENGINE = AggregatingMergeTree
ORDER BY (project, trace_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_writes_spans_mv TO trace_writes AS
SELECT project, trace_id, toUInt64(toUnixTimestamp64Micro(now64(6))) AS written_us
FROM spans
GROUP BY project, trace_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_writes_scores_mv TO trace_writes AS
SELECT project, toFixedString(target_trace_id, 32) AS trace_id, toUInt64(toUnixTimestamp64Micro(now64(6))) AS written_us
FROM evaluations
WHERE length(target_trace_id) = 32
GROUP BY project, target_trace_id;

-- One row per trace and generation, as the per-trace resolution gives it.
-- Sorted by the grouping keys of the triples, prompt first, so a prompt
-- filter reads a range. A generation is a partition, dropped whole once
-- superseded.
CREATE TABLE IF NOT EXISTS trace_resolved
(
    generation UInt64,
    project LowCardinality(String),
    trace_id FixedString(32),
    dataset_k UInt64,
    dataset_version_k UInt64,
    prompt_k UInt64,
    prompt_version_k UInt64,
    model_k UInt64,
    example_id String CODEC(ZSTD(3)),
    run_id String CODEC(ZSTD(3)),
    is_task Bool,
    has_root Bool,
    root_span_id String CODEC(ZSTD(3)),
    root_duration_ns UInt64,
    input_tokens UInt64,
    output_tokens UInt64,
    cost_usd Decimal(38, 12),
    unpriced_spans UInt64,
    llm_spans UInt64,
    success Nullable(Bool),
    has_error Bool,
    trace_start DateTime64(9),
    trace_end DateTime64(9),
    scores Array(UInt256) CODEC(ZSTD(3))
)
ENGINE = MergeTree
PARTITION BY generation
ORDER BY (project, prompt_k, prompt_version_k, model_k, dataset_k, dataset_version_k, trace_id);

-- The generations written. A generation's number is its watermark: it holds
-- every trace as it stood with the writes stamped up to it.
CREATE TABLE IF NOT EXISTS trace_compactions
(
    generation UInt64,
    traces UInt64,
    seconds Float64,
    finished_at DateTime64(3) DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY generation;
