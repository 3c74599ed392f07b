import { DomainError } from '../errors.js';

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * How long an insert may wait for more rows before it starts. ClickHouse's
 * cost per row falls with the insert's size (and so does the merging of the
 * parts it writes), so when senders are concurrent a short wait can turn
 * their requests into one larger insert. It waits only after an insert that
 * carried several requests, so a lone sender never waits. 0 ms: never wait.
 */
export interface Linger {
  ms: number;
  /** Start as soon as this many rows are pending. */
  rows: number;
}

export const NO_LINGER: Linger = { ms: 0, rows: 0 };

/**
 * Group commit: rows from concurrent requests that arrive while an insert is
 * running are written together by the next insert, so many small requests
 * cost few inserts, and each caller resolves only once its rows are committed.
 * The pending queue is bounded: past it callers get a retryable 503.
 */
export class GroupCommitter<T> {
  private pending: T[] = [];
  private waiters: Waiter[] = [];
  private running = false;
  private wake: (() => void) | null = null;
  /** Requests the last insert carried. */
  private lastCallers = 0;

  constructor(
    private readonly write: (rows: T[]) => Promise<void>,
    private readonly maxPendingRows: number,
    private readonly onFlush: (rows: number, seconds: number) => void = () => undefined,
    private readonly linger: Linger = NO_LINGER,
  ) {}

  get pendingRows(): number {
    return this.pending.length;
  }

  add(rows: readonly T[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    if (this.pending.length > 0 && this.pending.length + rows.length > this.maxPendingRows) {
      return Promise.reject(new DomainError('unavailable', 'overloaded', 'ingest queue is full, retry later', 1));
    }
    for (const r of rows) this.pending.push(r);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.running) void this.drain();
    else if (this.wake && this.pending.length >= this.linger.rows) this.wake();
    return done;
  }

  /** Resolves once everything queued so far is written (for graceful shutdown). */
  async idle(): Promise<void> {
    while (this.running || this.pending.length > 0) await new Promise((r) => setTimeout(r, 5));
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.pending.length > 0) {
      if (this.linger.ms > 0 && this.lastCallers > 1 && this.pending.length < this.linger.rows) await this.lingering();
      const rows = this.pending;
      const waiters = this.waiters;
      this.pending = [];
      this.waiters = [];
      this.lastCallers = waiters.length;
      const started = performance.now();
      try {
        await this.write(rows);
        this.onFlush(rows.length, (performance.now() - started) / 1000);
        for (const w of waiters) w.resolve();
      } catch (err) {
        for (const w of waiters) w.reject(err);
      }
    }
    this.running = false;
  }

  private lingering(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(), this.linger.ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }
}
