-- Collectors sharing a store say, every few seconds, up to when all their
-- inserts are committed: `at` is the store's clock read while the collector
-- had no insert in flight (collector/compaction/heartbeats.ts). Compaction's
-- watermark is the oldest such moment among the live collectors, so an
-- insert of another collector still in flight is never left out of a
-- generation; the live collector with the smallest id is the one that
-- compacts. A collector that stops cleanly writes a last beat with
-- stopped = true and is no longer live; a killed one stops counting once its
-- last beat is older than the stale limit. Old beats expire.

CREATE TABLE IF NOT EXISTS collector_heartbeats
(
    collector_id String,
    at DateTime64(6, 'UTC'),
    stopped Bool DEFAULT false
)
ENGINE = MergeTree
ORDER BY (collector_id, at)
TTL toDateTime(at) + INTERVAL 1 DAY;
