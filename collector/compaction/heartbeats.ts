/**
 * Heartbeats of the collectors that write to one store
 * (clickhouse/011_collector_heartbeats.sql). A beat is written while this
 * collector has no insert in flight (Store.barrier), stamped with the store's
 * clock: every row this collector stamped before it is committed. So the
 * oldest latest beat among the live collectors bounds what a compaction may
 * treat as settled, whichever collector runs it; a collector whose last beat
 * is older than `staleMs` counts as gone (killed); one that stopped cleanly
 * said so in its last beat.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/types.js';

export class Heartbeats {
  readonly id = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly everyMs: number,
    private readonly staleMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Beats now, then every `everyMs`; a failed beat is reported, and the next one tries again. */
  async start(): Promise<void> {
    await this.beat().catch(this.onError);
    this.timer = setInterval(() => {
      this.beating = this.beating.then(() => this.beat()).catch(this.onError);
    }, this.everyMs);
    this.timer.unref();
  }

  /** Stops beating and says this collector is gone, so it holds no other collector's compaction back. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.beating.catch(() => undefined);
    await this.beat(true).catch(this.onError);
  }

  beat(stopped = false): Promise<void> {
    return this.store.barrier(() =>
      this.store.command('INSERT INTO collector_heartbeats (collector_id, at, stopped) SELECT {id:String}, now64(6), {stopped:Bool}', { id: this.id, stopped }),
    );
  }

  /** The live collectors' latest beats (µs, the store's clock), this one's included. */
  async live(): Promise<Array<{ id: string; at_us: number }>> {
    return this.store.query<{ id: string; at_us: number }>(
      `SELECT collector_id AS id, toUInt64(toUnixTimestamp64Micro(max(at))) AS at_us FROM collector_heartbeats
       GROUP BY collector_id HAVING max(at) > now64(6) - toIntervalMillisecond({stale:UInt64}) AND NOT argMax(stopped, at)
       ORDER BY collector_id`,
      { stale: this.staleMs },
    );
  }

  /** Whether this collector is the live one with the smallest id: the one that compacts. */
  async leads(): Promise<boolean> {
    const live = await this.live();
    return live.length === 0 || live[0]!.id === this.id;
  }

  /** The oldest latest beat of the other live collectors: their inserts stamped before it are committed. Undefined when alone. */
  async othersSettledUs(): Promise<number | undefined> {
    const others = (await this.live()).filter((c) => c.id !== this.id);
    return others.length === 0 ? undefined : Math.min(...others.map((c) => Number(c.at_us)));
  }
}
