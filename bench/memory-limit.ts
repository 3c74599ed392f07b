import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** cgroup v1's memory controller; the only kind this benchmark can set up (and the only one it was run on). */
const V1_MEMORY = '/sys/fs/cgroup/memory';

/**
 * A memory cgroup, as a container's memory limit is: what its processes hold
 * (anonymous memory and the page cache they read or write, libchdb.so's code
 * included) is kept under `limitMb` by the kernel reclaiming pages, and past
 * that by the OOM killer.
 */
export interface MemoryLimit {
  /** A command that execs its arguments inside the group (see spawnCollector's launcher). */
  launcher: string[];
  /** The most the group held at once, page cache included. */
  maxUsageMb(): number;
  oomKills(): number;
  /** Removes the group; its processes must have exited. */
  remove(): void;
}

/** Why this machine cannot hold the collector to a memory limit, or undefined when it can. */
export function memoryLimitUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root';
  if (!existsSync(join(V1_MEMORY, 'memory.limit_in_bytes'))) return `needs cgroup v1's memory controller at ${V1_MEMORY}`;
  return undefined;
}

export function createMemoryLimit(name: string, limitMb: number): MemoryLimit {
  const dir = join(V1_MEMORY, name);
  if (!existsSync(dir)) mkdirSync(dir);
  writeFileSync(join(dir, 'memory.limit_in_bytes'), String(limitMb * 1024 * 1024));
  writeFileSync(join(dir, 'memory.max_usage_in_bytes'), '0');
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  return {
    launcher: ['/bin/sh', '-c', 'echo $$ > "$0" && exec "$@"', join(dir, 'cgroup.procs')],
    maxUsageMb: () => Number(read('memory.max_usage_in_bytes')) / 1024 / 1024,
    oomKills: () => Number(/^oom_kill (\d+)/m.exec(read('memory.oom_control'))?.[1] ?? 0),
    remove: () => rmdirSync(dir),
  };
}

/**
 * Writes back and drops the machine's clean page cache, so the pages of
 * libchdb.so that the collector touches are read (and charged) inside its
 * group, as in a fresh container, not found already charged to the machine.
 * Pages some process still maps stay: this process must not map libchdb.so.
 */
export function dropPageCache(): void {
  if (readFileSync('/proc/self/maps', 'utf8').includes('libchdb.so')) {
    throw new Error('this process maps libchdb.so, whose pages would stay cached and uncharged: load chdb only after the limited runs');
  }
  execFileSync('sync');
  writeFileSync('/proc/sys/vm/drop_caches', '1');
}
