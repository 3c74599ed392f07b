import { describe, expect, it } from 'vitest';
import { WriteGate } from '../../collector/store/write-gate.js';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('the write gate that compaction reads its watermark under', () => {
  it('runs an exclusive step only after every write in flight has finished', async () => {
    const gate = new WriteGate();
    const events: string[] = [];
    const first = deferred();
    const writing = gate.write(async () => {
      await first.promise;
      events.push('write done');
    });
    const exclusive = gate.exclusive(async () => {
      events.push('exclusive');
    });
    await tick();
    expect(events).toEqual([]);
    first.resolve();
    await Promise.all([writing, exclusive]);
    expect(events).toEqual(['write done', 'exclusive']);
  });

  it('holds writes that start during an exclusive step until it returns', async () => {
    const gate = new WriteGate();
    const events: string[] = [];
    const step = deferred();
    const exclusive = gate.exclusive(async () => {
      await step.promise;
      events.push('exclusive done');
    });
    const writing = gate.write(async () => {
      events.push('write');
    });
    await tick();
    expect(events).toEqual([]);
    step.resolve();
    await Promise.all([exclusive, writing]);
    expect(events).toEqual(['exclusive done', 'write']);
  });

  it('passes a failed write on and still lets the exclusive step run', async () => {
    const gate = new WriteGate();
    await expect(gate.write(() => Promise.reject(new Error('insert failed')))).rejects.toThrow('insert failed');
    await expect(gate.exclusive(async () => 42)).resolves.toBe(42);
    await expect(gate.write(async () => 'after')).resolves.toBe('after');
  });

  it('runs concurrent writes side by side', async () => {
    const gate = new WriteGate();
    const both = deferred();
    let running = 0;
    let most = 0;
    const write = () =>
      gate.write(async () => {
        running += 1;
        most = Math.max(most, running);
        await both.promise;
        running -= 1;
      });
    const writes = [write(), write()];
    await tick();
    both.resolve();
    await Promise.all(writes);
    expect(most).toBe(2);
  });
});
