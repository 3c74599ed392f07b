/** When the background compaction (compactor.ts) runs: a leaf, like limits.ts, so configuration reads it without the compactor. */
export interface CompactionPolicy {
  /** How often the collector checks whether to compact (ms); 0: never on its own. */
  intervalMs: number;
  /** Compact under steady ingest once this many trace_writes rows changed, or this fraction of the compacted traces. */
  minChangedRows: number;
  changedFraction: number;
  /** The most of the time spent compacting under steady ingest (a compaction waits this long relative to the last one's duration). */
  maxDutyCycle: number;
  /** A superseded generation stays this long for queries that already read its number (ms). */
  graceMs: number;
  /** Writes stamped this close before the watermark's moment count as later (µs): covers steps of the store's clock. */
  marginUs: number;
  /**
   * A compaction groups the rollup about this many traces at a time: the
   * grouping holds its slice's traces at once, 1–3 KB each (the sets of
   * LLM parts, configs and envelopes).
   */
  sliceTraces: number;
  /** How often this collector tells the others sharing its store up to when its inserts are committed (ms). */
  heartbeatMs: number;
  /** A collector whose last beat is older than this counts as gone (ms): longer than any insert may take. */
  staleMs: number;
}

export const DEFAULT_COMPACTION: CompactionPolicy = {
  intervalMs: 5_000,
  minChangedRows: 10_000,
  changedFraction: 0.05,
  maxDutyCycle: 0.2,
  graceMs: 30_000,
  marginUs: 1_000_000,
  sliceTraces: 8_000,
  heartbeatMs: 2_000,
  staleMs: 45_000,
};
