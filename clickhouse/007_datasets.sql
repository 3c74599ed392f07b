-- Datasets as immutable, content-addressed versions (collector/datasets/).
-- Items are stored once per content (keyed by its hash); a version names a
-- content: by its hash, or by a label. The version row is written after its
-- items, so a version that can be read has all its items. Re-inserting the
-- same rows (an idempotent re-upload) only adds duplicates that readers skip
-- with LIMIT 1 BY and merges remove.

CREATE TABLE IF NOT EXISTS dataset_items
(
    project LowCardinality(String),
    dataset String,
    content_hash String,
    item_id String,
    position UInt32,
    input String CODEC(ZSTD(3)),
    expected String CODEC(ZSTD(3)),
    metadata String CODEC(ZSTD(3)),
    item_hash String
)
ENGINE = ReplacingMergeTree
ORDER BY (project, dataset, content_hash, item_id);

CREATE TABLE IF NOT EXISTS dataset_versions
(
    project LowCardinality(String),
    dataset String,
    version String,
    label String,
    content_hash String,
    item_count UInt64,
    created_at DateTime64(3) DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY (project, dataset, version);
