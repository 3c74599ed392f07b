import { describe, expect, it } from 'vitest';
import { GroupCommitter } from '../../collector/ingest/batcher.js';

/** A write that records each insert's rows and finishes when told to. */
function recorder() {
  const inserts: number[][] = [];
  const finish: Array<() => void> = [];
  const write = (rows: number[]) =>
    new Promise<void>((resolve) => {
      inserts.push(rows);
      finish.push(resolve);
    });
  return { inserts, finish, write };
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('group commit', () => {
  it('writes the rows that arrive during an insert together in the next one, and resolves each caller only after its insert', async () => {
    const r = recorder();
    const c = new GroupCommitter(r.write, 1_000);
    let firstDone = false;
    const first = c.add([1]).then(() => (firstDone = true));
    const second = c.add([2]);
    const third = c.add([3]);
    await tick();
    expect(r.inserts).toEqual([[1]]);
    r.finish[0]!();
    await first;
    expect(firstDone).toBe(true);
    await tick();
    expect(r.inserts).toEqual([[1], [2, 3]]);
    r.finish[1]!();
    await Promise.all([second, third]);
  });

  /** Two requests committed by one insert, so the committer has seen concurrent senders. */
  async function afterConcurrentInsert(c: GroupCommitter<number>, r: ReturnType<typeof recorder>) {
    const adds = [c.add([-1]), c.add([-2]), c.add([-3])];
    await tick();
    r.finish[0]!();
    await tick();
    r.finish[1]!();
    await Promise.all(adds);
    expect(r.inserts).toEqual([[-1], [-2, -3]]);
    r.inserts.length = 0;
    r.finish.length = 0;
  }

  it('with a linger, after concurrent requests, waits for more rows and starts as soon as enough are pending', async () => {
    const r = recorder();
    const c = new GroupCommitter(r.write, 1_000, undefined, { ms: 10_000, rows: 4 });
    await afterConcurrentInsert(c, r);
    const adds = [c.add([1, 2]), c.add([3])];
    await tick(20);
    expect(r.inserts).toEqual([]);
    adds.push(c.add([4]));
    await tick();
    expect(r.inserts).toEqual([[1, 2, 3, 4]]);
    r.finish[0]!();
    await Promise.all(adds);
  });

  it('with a linger, a lone sender never waits', async () => {
    const r = recorder();
    const c = new GroupCommitter(r.write, 1_000, undefined, { ms: 10_000, rows: 4_000 });
    for (let i = 0; i < 3; i++) {
      const done = c.add([i]);
      await tick();
      expect(r.inserts).toEqual(Array.from({ length: i + 1 }, (_, j) => [j]));
      r.finish[i]!();
      await done;
    }
  });

  it('with a linger, an insert waits no longer than the linger', async () => {
    const r = recorder();
    const c = new GroupCommitter(r.write, 1_000, undefined, { ms: 30, rows: 4_000 });
    await afterConcurrentInsert(c, r);
    const started = performance.now();
    const done = c.add([1]);
    while (r.inserts.length === 0) await tick(1);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(20);
    expect(waited).toBeLessThan(1_000);
    r.finish[0]!();
    await done;
  });

  it('a failed insert rejects exactly the callers whose rows it carried', async () => {
    const inserts: number[][] = [];
    const c = new GroupCommitter(async (rows: number[]) => {
      inserts.push(rows);
      if (rows.includes(1)) throw new Error('disk full');
    }, 1_000);
    const first = c.add([1]);
    const second = c.add([2]);
    await expect(first).rejects.toThrow('disk full');
    await expect(second).resolves.toBeUndefined();
    expect(inserts).toEqual([[1], [2]]);
  });
});
