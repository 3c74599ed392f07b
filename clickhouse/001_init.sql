-- evaltrace schema v1: one row per span and one per evaluation.
-- The collector drops already-stored spans and evaluations at insert time
-- (collector/ingest/dedup.ts); ReplacingMergeTree on the identity key is a
-- second line of defence. Evaluations are ordered by the evaluated trace so
-- "latest score per trace and judge version" aggregates in key order.

CREATE TABLE IF NOT EXISTS spans
(
    project             LowCardinality(String),
    trace_id            FixedString(32),
    span_id             FixedString(16),
    parent_span_id      String,
    name                String CODEC(ZSTD(3)),
    kind                UInt8,
    start_time          DateTime64(9) CODEC(Delta, ZSTD(3)),
    end_time            DateTime64(9) CODEC(Delta, ZSTD(3)),
    duration_ns         UInt64 CODEC(T64, ZSTD(3)),
    status_code         UInt8,
    status_message      String CODEC(ZSTD(3)),
    service_name        LowCardinality(String),
    scope_name          LowCardinality(String),
    is_root             Bool,
    is_llm              Bool,
    is_evaluation       Bool,
    model               LowCardinality(String),
    provider            LowCardinality(String),
    operation           LowCardinality(String),
    dataset_name        LowCardinality(String),
    dataset_version     LowCardinality(String),
    example_id          String CODEC(ZSTD(3)),
    prompt_name         LowCardinality(String),
    prompt_version      LowCardinality(String),
    run_id              String CODEC(ZSTD(3)),
    judge_name          LowCardinality(String),
    judge_version       LowCardinality(String),
    input_tokens        UInt64 CODEC(T64, ZSTD(3)),
    output_tokens       UInt64 CODEC(T64, ZSTD(3)),
    cache_read_tokens   UInt64 CODEC(T64, ZSTD(3)),
    cache_write_tokens  UInt64 CODEC(T64, ZSTD(3)),
    cost_usd            Nullable(Float64) CODEC(ZSTD(3)),
    cost_source         LowCardinality(String),
    success             Nullable(Bool),
    attributes          Map(String, String) CODEC(ZSTD(3)),
    resource_attributes Map(String, String) CODEC(ZSTD(3)),
    events              Array(Tuple(time DateTime64(9), name String, attributes Map(String, String))) CODEC(ZSTD(3)),
    links               Array(Tuple(trace_id String, span_id String, attributes Map(String, String))) CODEC(ZSTD(3)),
    ingested_at         DateTime64(3) DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
ORDER BY (project, trace_id, span_id);

CREATE TABLE IF NOT EXISTS evaluations
(
    project             LowCardinality(String),
    evaluation_id       String,
    target_trace_id     String,
    target_span_id      String,
    evaluation_trace_id String,
    evaluation_span_id  String,
    name                LowCardinality(String),
    judge_name          LowCardinality(String),
    judge_version       LowCardinality(String),
    judge_model         LowCardinality(String),
    score               Nullable(Float64),
    label               LowCardinality(String),
    passed              Nullable(Bool),
    explanation         String CODEC(ZSTD(3)),
    source              LowCardinality(String),
    time                DateTime64(9),
    ingested_at         DateTime64(3) DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
ORDER BY (project, target_trace_id, judge_name, judge_version, name, evaluation_id);
