/**
 * Runs `worker` over `items` with at most `limit` in flight. Items are pulled
 * lazily, so an async source (a paged listing) is read only as fast as it is
 * worked off. Workers handle their own errors; the first one that escapes rejects.
 */
export async function forEachBounded<T>(
  items: Iterable<T> | AsyncIterable<T>,
  limit: number,
  worker: (item: T) => Promise<void>,
): Promise<void> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be a positive integer, got ${limit}`);
  const source = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : toAsync(items[Symbol.iterator]());
  const lane = async () => {
    for (;;) {
      const { done, value } = await source.next();
      if (done) return;
      await worker(value);
    }
  };
  await Promise.all(Array.from({ length: limit }, lane));
}

function toAsync<T>(it: Iterator<T>): AsyncIterator<T> {
  return { next: async () => it.next() };
}
