-- Request parameters (temperature, top_p, max_tokens, seed, stop sequences,
-- tool names, ...) of each span, as canonical JSON (sorted keys; '' when the
-- span names none), and for LLM spans the hash of { model, params } that
-- tells two configurations apart (collector/ingest/request-params.ts).
-- Spans stored before this migration read '' for both. No view reads them:
-- the rollup views select their columns by name.

ALTER TABLE spans ADD COLUMN IF NOT EXISTS request_params String DEFAULT '' CODEC(ZSTD(3));

ALTER TABLE spans ADD COLUMN IF NOT EXISTS config_hash LowCardinality(String) DEFAULT '';
