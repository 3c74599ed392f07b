/**
 * Inserts run through `write`; `exclusive` runs a step once every insert in
 * flight has committed, holding new ones back until it returns. Compaction
 * reads its watermark under it: every row written before that moment is then
 * visible, and every row written after it is stamped later (see
 * collector/compaction/compactor.ts).
 */
export class WriteGate {
  private inflight = 0;
  private drained: Array<() => void> = [];
  /** Settles when the exclusive step in progress (if any) has finished. */
  private held: Promise<void> | null = null;

  async write<T>(fn: () => Promise<T>): Promise<T> {
    while (this.held) await this.held;
    this.inflight += 1;
    try {
      return await fn();
    } finally {
      this.inflight -= 1;
      if (this.inflight === 0) for (const resolve of this.drained.splice(0)) resolve();
    }
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (this.held) await this.held;
    let release!: () => void;
    this.held = new Promise<void>((resolve) => (release = resolve));
    try {
      if (this.inflight > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
      return await fn();
    } finally {
      this.held = null;
      release();
    }
  }
}
