import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { tempDataDir } from '../helpers/data-dir.js';

/**
 * The run-time options the embedded ClickHouse's jemalloc reports, from a
 * fresh process that opened the store as the collector does: jemalloc reads
 * its options once, when libchdb loads, and ignores a variable it does not
 * know (it reads JE_MALLOC_CONF, not MALLOC_CONF), so only its own report
 * shows that they took effect.
 */
function allocatorOptions(env: Record<string, string>): Record<string, string> {
  const script = `
    const { openStore } = await import('./collector/dist/collector/store/open.js');
    const store = await openStore({ dataDir: process.argv[1] });
    const [row] = await store.query('SELECT stats FROM system.jemalloc_stats');
    await store.close();
    console.log(row.stats);`;
  const stats = execFileSync(process.execPath, ['--input-type=module', '-e', script, tempDataDir()], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  return Object.fromEntries([...stats.matchAll(/^\s*opt\.(\w+): (\S+)/gm)].map((m) => [m[1]!, m[2]!]));
}

describe('the embedded store’s allocator options', () => {
  it.skipIf(availableParallelism() > 4)('on a machine of ≤ 4 cores: one arena and small thread caches, as jemalloc itself reports', () => {
    expect(allocatorOptions({})).toMatchObject({
      percpu_arena: '"disabled"',
      narenas: '1',
      tcache_max: '4096',
      tcache_nslots_small_max: '16',
      tcache_nslots_large: '4',
    });
  });

  it('takes an operator’s own JE_MALLOC_CONF instead of the collector’s', () => {
    const opts = allocatorOptions({ JE_MALLOC_CONF: 'narenas:3' });
    expect(opts.narenas).toBe('3');
    expect(opts.tcache_max).not.toBe('4096');
  });
});
