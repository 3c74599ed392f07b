-- Release decisions: gate decision records, the release registry and its
-- append-only lifecycle history. Rows are written once and never updated:
-- a release's current stage is the to_stage of its latest event. Ids are
-- UUID v4 strings made by the collector; reads take LIMIT 1 BY id, so a row
-- sent twice by a retried insert is read once. An event's action (register,
-- promote, supersede, rollback, restore) says why it happened.

CREATE TABLE IF NOT EXISTS decisions
(
    project     LowCardinality(String),
    id          String,
    created_at  DateTime64(6, 'UTC'),
    decision    LowCardinality(String),
    inputs      String CODEC(ZSTD(3)),
    result      String CODEC(ZSTD(3))
)
ENGINE = MergeTree
ORDER BY (project, id);

CREATE TABLE IF NOT EXISTS releases
(
    project     LowCardinality(String),
    id          String,
    name        String,
    config      String CODEC(ZSTD(3)),
    created_at  DateTime64(6, 'UTC'),
    created_by  String
)
ENGINE = MergeTree
ORDER BY (project, name, id);

CREATE TABLE IF NOT EXISTS release_events
(
    project           LowCardinality(String),
    event_id          String,
    release_id        String,
    name              String,
    action            LowCardinality(String),
    from_stage        LowCardinality(String),
    to_stage          LowCardinality(String),
    approver          String,
    reason            String CODEC(ZSTD(3)),
    gate_decision_id  String,
    override          Bool,
    at                DateTime64(6, 'UTC')
)
ENGINE = MergeTree
ORDER BY (project, name, at, event_id);
