-- The prompt registry (collector/prompts/): templates stored as immutable
-- versions, and labels (production, staging, …) that move between them.
-- A version is its template's hash (the same sha256 definePrompt computes,
-- so a prompt defined in code and the registry's copy share a version) or a
-- name given once for one template. A label's moves are only appended: its
-- current version is the one of its latest event; an empty version means
-- the label was removed. Rows carry ids, so a retried insert is read once.

CREATE TABLE IF NOT EXISTS prompt_versions
(
    project LowCardinality(String),
    prompt String,
    version String,
    content_hash String,
    template String CODEC(ZSTD(3)),
    config String CODEC(ZSTD(3)),
    created_at DateTime64(6, 'UTC'),
    created_by String,
    message String
)
ENGINE = ReplacingMergeTree
ORDER BY (project, prompt, version);

CREATE TABLE IF NOT EXISTS prompt_label_events
(
    project LowCardinality(String),
    prompt String,
    label String,
    event_id String,
    version String,
    previous_version String,
    moved_by String,
    reason String CODEC(ZSTD(3)),
    release_id String,
    at DateTime64(6, 'UTC')
)
ENGINE = MergeTree
ORDER BY (project, prompt, label, at, event_id);
