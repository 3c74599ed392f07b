/**
 * Runs tasks of one key one at a time in this process, so a registry's
 * check-then-write (a label's current version, a release's stage) is not
 * interleaved with another write of the same key.
 */
export function serializer(): <T>(key: string, task: () => Promise<T>) => Promise<T> {
  const queues = new Map<string, Promise<unknown>>();
  return (key, task) => {
    const run = (queues.get(key) ?? Promise.resolve()).then(task, task);
    const tail = run.catch(() => undefined);
    queues.set(key, tail);
    void tail.then(() => {
      if (queues.get(key) === tail) queues.delete(key);
    });
    return run;
  };
}
