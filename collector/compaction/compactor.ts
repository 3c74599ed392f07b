/**
 * Writes every trace's resolved summary, now and then, as a new generation
 * of trace_resolved (clickhouse/006_trace_compaction.sql), so that queries
 * group settled traces once instead of on every request
 * (traceSummarySql's 'compacted' source).
 *
 * Exactness rests on the watermark: the store's clock read while no insert
 * of this collector is in flight (Store.barrier), bounded by the other live
 * collectors' latest heartbeats (each written the same way, heartbeats.ts),
 * less a margin. Every row stamped up to it (trace_writes) was committed
 * before the compaction read the rollup, whichever collector wrote it, so
 * the generation holds each trace as it stood with those rows; a trace
 * written to after it is stamped later, and queries resolve it from the
 * rollup instead. Of several collectors on one store, the live one with the
 * smallest id compacts on its own; the others only beat.
 */
import { RESOLVED_COLUMNS, resolveSql } from '../sql/traces.js';
import type { Store } from '../store/types.js';
import { Heartbeats } from './heartbeats.js';
import { type CompactionPolicy, DEFAULT_COMPACTION } from './policy.js';
import { log } from '../logger.js';

/**
 * How many of the rollup's trace ids a compaction reads its slices' bounds
 * from, and the most slices it makes of them (16 sampled ids a slice at least).
 */
const BOUNDS_SAMPLE = 8_192;
const MAX_SLICES = BOUNDS_SAMPLE / 16;

/**
 * Where the slices of a compaction start: every so many of a sorted sample
 * of the rollup's trace ids, for about `sliceTraces` of its `rows` a slice.
 * From the ids themselves, since ids need not be random (a counter, AWS
 * X-Ray's time prefix): ranges of their leading hex digits put all of such
 * a store's traces in one slice.
 */
export function sliceBounds(rows: number, sortedSample: readonly string[], sliceTraces: number): string[] {
  const n = Math.min(MAX_SLICES, sortedSample.length, Math.ceil(rows / sliceTraces));
  const bounds: string[] = [];
  for (let i = 1; i < n; i++) {
    const bound = sortedSample[Math.floor((i * sortedSample.length) / n)]!;
    if (bound !== bounds.at(-1) && bound !== sortedSample[0]) bounds.push(bound);
  }
  return bounds;
}

/** Contiguous ranges of trace ids split at `bounds` (ascending); the ends are open. */
export function traceIdSlices(bounds: readonly string[]): Array<{ where: string; params: Record<string, string> }> {
  return Array.from({ length: bounds.length + 1 }, (_, i) => {
    const where = ['1'];
    const params: Record<string, string> = {};
    if (i > 0) {
      where.push('trace_id >= {slice_from:String}');
      params.slice_from = bounds[i - 1]!;
    }
    if (i < bounds.length) {
      where.push('trace_id < {slice_to:String}');
      params.slice_to = bounds[i]!;
    }
    return { where: where.join(' AND '), params };
  });
}

export interface Compaction {
  generation: number;
  traces: number;
  seconds: number;
}

export class Compactor {
  private timer: NodeJS.Timeout | undefined;
  /** The compaction or check in progress: one at a time. */
  private busy: Promise<unknown> = Promise.resolve();
  private last: { generation: number; traces: number; seconds: number; endedMs: number } | undefined;
  private previousChanged = -1;
  private stopped = false;
  readonly heartbeats: Heartbeats;

  constructor(
    private readonly store: Store,
    private readonly policy: CompactionPolicy = DEFAULT_COMPACTION,
    private readonly onCompacted: (c: Compaction) => void = () => undefined,
    private readonly onError: (err: unknown) => void = (err) => log.error(`compaction failed: ${(err as Error).message}`),
  ) {
    this.heartbeats = new Heartbeats(store, policy.heartbeatMs, policy.staleMs, onError);
  }

  /** Starts beating (always: another collector's compaction needs this one's beats) and, unless the interval is 0, checking. */
  async start(): Promise<void> {
    await this.heartbeats.start();
    if (this.policy.intervalMs <= 0 || this.timer) return;
    let checking = false;
    this.timer = setInterval(() => {
      // A compaction longer than the interval skips the ticks that fall in it rather than queueing them.
      if (checking) return;
      checking = true;
      this.busy = this.busy
        .then(() => this.check())
        .catch(this.onError)
        .finally(() => (checking = false));
    }, this.policy.intervalMs);
    this.timer.unref();
  }

  /** Stops checking and waits for a compaction in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.busy.catch(() => undefined);
    await this.heartbeats.stop();
  }

  /** Rows of trace_writes stamped after the latest generation: traces queries resolve from the rollup. */
  async changedRows(): Promise<number> {
    const [row] = await this.store.query<{ n: number }>(
      'SELECT count() AS n FROM trace_writes WHERE written_us > (SELECT max(generation) FROM trace_compactions)',
    );
    return row?.n ?? 0;
  }

  /** Compacts now (after any compaction in progress); null when nothing was written since the latest generation. */
  compact(): Promise<Compaction | null> {
    const run = this.busy.then(() => this.run());
    this.busy = run.catch(() => undefined);
    return run;
  }

  private async check(): Promise<void> {
    if (this.stopped || !(await this.heartbeats.leads())) return;
    const changed = await this.changedRows();
    const quiet = changed === this.previousChanged;
    this.previousChanged = changed;
    if (changed === 0) return;
    const last = this.last ?? (await this.latest());
    const many = changed >= Math.max(this.policy.minChangedRows, this.policy.changedFraction * (last?.traces ?? 0));
    const rested = !last || Date.now() - last.endedMs >= (last.seconds * 1000 * (1 - this.policy.maxDutyCycle)) / this.policy.maxDutyCycle;
    if ((quiet || many) && rested) await this.run();
  }

  private async latest(): Promise<typeof this.last> {
    const [row] = await this.store.query<{ generation: number; traces: number; seconds: number; ended_ms: number }>(
      `SELECT generation, traces, seconds, toUnixTimestamp64Milli(finished_at) AS ended_ms
       FROM trace_compactions ORDER BY generation DESC LIMIT 1`,
    );
    return row && { generation: row.generation, traces: row.traces, seconds: row.seconds, endedMs: row.ended_ms };
  }

  private async run(): Promise<Compaction | null> {
    const last = this.last ?? (await this.latest());
    const generation = await this.watermark();
    if ((last && generation <= last.generation) || (await this.changedRows()) === 0) return null;
    const started = performance.now();
    const [ids] = await this.store.query<{ rows: number; sample: string[] }>(
      `SELECT count() AS rows, arraySort(groupArraySample(${BOUNDS_SAMPLE}, 1)(trace_id)) AS sample FROM trace_rollup`,
    );
    const bounds = ids ? sliceBounds(Number(ids.rows), ids.sample, this.policy.sliceTraces) : [];
    for (const slice of traceIdSlices(bounds)) {
      await this.store.command(
        `INSERT INTO trace_resolved (generation, project, ${RESOLVED_COLUMNS})
         SELECT {generation:UInt64}, * FROM (${resolveSql('trace_rollup', slice.where, 'project, trace_id')})`,
        { generation, ...slice.params },
      );
    }
    const [count] = await this.store.query<{ n: number }>('SELECT count() AS n FROM trace_resolved WHERE generation = {generation:UInt64}', {
      generation,
    });
    const seconds = (performance.now() - started) / 1000;
    const traces = count?.n ?? 0;
    await this.store.command(
      'INSERT INTO trace_compactions (generation, traces, seconds) VALUES ({generation:UInt64}, {traces:UInt64}, {seconds:Float64})',
      { generation, traces, seconds },
    );
    this.last = { generation, traces, seconds, endedMs: Date.now() };
    this.previousChanged = -1;
    this.onCompacted({ generation, traces, seconds });
    await this.dropSuperseded(generation);
    return { generation, traces, seconds };
  }

  /**
   * The store's clock, read while no insert of this collector is in flight,
   * or the oldest latest beat of the other live collectors if earlier, less
   * the margin. Writes stamped within the margin would stay out of the
   * generation: when the latest write is that recent (a burst that just
   * ended), the margin is waited out first.
   */
  private async watermark(): Promise<number> {
    const read = () =>
      this.store.barrier(async () => {
        const [row] = await this.store.query<{ now: number; latest: number }>(
          'SELECT toUInt64(toUnixTimestamp64Micro(now64(6))) AS now, (SELECT max(written_us) FROM trace_writes) AS latest',
        );
        return row!;
      });
    let { now, latest } = await read();
    if (latest > now - this.policy.marginUs && latest <= now) {
      await new Promise((resolve) => setTimeout(resolve, Math.ceil((latest + this.policy.marginUs - now) / 1000)));
      ({ now } = await read());
    }
    const others = await this.heartbeats.othersSettledUs();
    return Math.min(now, others ?? now) - this.policy.marginUs;
  }

  /**
   * Drops the generations older than `current` that no query can still be
   * reading: superseded at least graceMs ago, or never recorded (a
   * compaction that died). Their records go too, a hundred at a time.
   */
  private async dropSuperseded(current: number): Promise<void> {
    const [partitions, recorded] = await Promise.all([
      this.store.query<{ generation: number }>(
        `SELECT DISTINCT toUInt64(partition) AS generation FROM ${this.store.layout.system('parts')}
         WHERE database = currentDatabase() AND table = {table:String} AND active`,
        { table: this.store.layout.local('trace_resolved') },
      ),
      this.store.query<{ generation: number; ended_ms: number }>(
        'SELECT generation, toUnixTimestamp64Milli(finished_at) AS ended_ms FROM trace_compactions ORDER BY generation',
      ),
    ]);
    const now = Date.now();
    const supersededAt = (g: number) => recorded.find((r) => r.generation > g)?.ended_ms;
    const kept: number[] = [];
    for (const { generation: g } of partitions) {
      const at = supersededAt(g);
      const unrecorded = !recorded.some((r) => r.generation === g);
      if (g < current && (unrecorded || (at !== undefined && now - at >= this.policy.graceMs))) {
        // A generation is a number from the store's own table: safe to write into the statement.
        await this.store.command(`ALTER TABLE ${this.store.layout.local('trace_resolved')}${this.store.layout.onCluster} DROP PARTITION ${Number(g)}`);
      } else kept.push(g);
    }
    const oldestKept = Math.min(current, ...kept);
    if (recorded.filter((r) => r.generation < oldestKept).length >= 100) {
      await this.store.command('DELETE FROM trace_compactions WHERE generation < {oldest:UInt64}', { oldest: oldestKept });
    }
  }
}
