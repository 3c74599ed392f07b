-- Runs' configurations and envelopes per trace. /api/runs and
-- /api/compare/runs listed each run's LLM configurations (config hash, model,
-- request parameters) and its envelope (code version, seed, env.* resource
-- attributes) by reading the raw spans of every trace of the listed runs: at
-- 10M spans ~4 s, growing with the table. Both now ride along with the other
-- per-trace columns, as sets of codes (numbers, as the rollup's other
-- columns: sets of strings made each rollup merge hold a hash table per
-- trace, ~100 MB a merge against ~20):
--
-- * configs: the codes of (config hash, model) of the trace's LLM spans that
--   are not judge calls;
-- * envelope: the codes of the resources its spans came from (hashed whole,
--   so a span costs one hash, not a pass over its resource attributes);
-- * pair_names: what a code stands for: a config's hash, model and request
--   parameters; a resource's envelope pairs, (key, value) of its attributes
--   that are envelope keys (conventions/attributes.ts: evaltrace.code.version,
--   evaltrace.seed, evaltrace.env.*). A handful of rows per project, as
--   value_names holds the names behind the other codes.
--
-- A config's code is cityHash64(config hash, model) >> 2, a resource's
-- cityHash64(its attributes) >> 2. Sets, so a span stored twice
-- changes nothing (010). The span expressions mirror TRACE_ROWS_RAW_SQL in
-- collector/sql/traces.ts; the rollup test holds the answers equal to the raw
-- tables'. Replacing the view makes the collector rebuild the rollup (and
-- trace_writes, so no compacted row from before is trusted) from the stored
-- spans.

ALTER TABLE trace_rollup ADD COLUMN IF NOT EXISTS configs SimpleAggregateFunction(groupUniqArrayArray, Array(UInt64));

ALTER TABLE trace_rollup ADD COLUMN IF NOT EXISTS envelope SimpleAggregateFunction(groupUniqArrayArray, Array(UInt64));

ALTER TABLE trace_resolved ADD COLUMN IF NOT EXISTS configs Array(UInt64);

ALTER TABLE trace_resolved ADD COLUMN IF NOT EXISTS envelope Array(UInt64);

DROP VIEW IF EXISTS trace_rollup_spans_mv;

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
    max(end_time) AS trace_end,
    groupUniqArrayIf(bitShiftRight(cityHash64(toString(config_hash), toString(model)), 2), is_llm AND judge_name = '' AND config_hash != '') AS configs,
    groupUniqArray(bitShiftRight(cityHash64(resource_attributes), 2)) AS envelope
FROM spans
GROUP BY project, trace_id
SETTINGS prefer_column_name_to_alias = 1;

CREATE TABLE IF NOT EXISTS pair_names
(
    project LowCardinality(String),
    code UInt64,
    first String,
    second String,
    -- A config's request parameters (canonical JSON); '' for an envelope pair.
    params String CODEC(ZSTD(3))
)
ENGINE = ReplacingMergeTree
ORDER BY (project, code, first, second);

-- Two views fill it: one row per configuration, and a resource's envelope
-- pairs under its code (none for a resource without envelope keys). A
-- batch's spans share a handful of resources, so the envelope's view reads
-- each distinct resource once, not every span's.
CREATE MATERIALIZED VIEW IF NOT EXISTS config_names_mv TO pair_names AS
SELECT DISTINCT project, bitShiftRight(cityHash64(toString(config_hash), toString(model)), 2) AS code,
    toString(config_hash) AS first, toString(model) AS second, request_params AS params
FROM spans
WHERE is_llm AND judge_name = '' AND config_hash != ''
SETTINGS prefer_column_name_to_alias = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS envelope_names_mv TO pair_names AS
SELECT project, code, p.1 AS first, p.2 AS second, '' AS params
FROM (SELECT project, bitShiftRight(cityHash64(resource_attributes), 2) AS code, any(resource_attributes) AS resource
      FROM spans GROUP BY project, code)
ARRAY JOIN arrayFilter(
    x -> x.1 = 'evaltrace.code.version' OR x.1 = 'evaltrace.seed' OR startsWith(x.1, 'evaltrace.env.'),
    arrayZip(mapKeys(resource), mapValues(resource))) AS p;
