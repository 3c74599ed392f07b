-- The names behind judge keys: cityHash64(judge, judge version, evaluation)
-- maps back to the three names, a handful of rows per project.
--
-- This migration first also created a per-trace rollup with string and map
-- columns; 004_trace_rollup_codes.sql drops and replaces it, so a new store
-- no longer builds it here only to drop it.

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
