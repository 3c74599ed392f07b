import { availableParallelism } from 'node:os';
import { ClickHouseStore } from './clickhouse.js';
import { migrate } from './migrate.js';
import { rebuildViews } from './rebuild.js';
import type { Store } from './types.js';
import { log } from '../logger.js';
import type { StoreOptions } from './options.js';

/**
 * The embedded engine's allocator (jemalloc) keeps one arena per CPU, each
 * with its own cache of freed pages, and a cache of freed objects per thread
 * (ClickHouse runs dozens of threads). On this project's 2-core machine one
 * arena held 20–30 MB less at peak under sustained ingest, and thread caches
 * of objects up to 4 KiB, 16 of each small size and 4 of each large one,
 * another 25–50 MB less, each at the same ingest rate and query speed; on
 * more cores arenas and caches spread lock contention, so they keep the
 * default. (A shorter dirty-page decay saved more memory but cost a quarter
 * of the ingest rate, see docs/benchmarks.md.) jemalloc reads this when the
 * library loads, so it is set before the first import; an operator's own
 * JE_MALLOC_CONF wins.
 */
const SMALL_MACHINE_CPUS = 4;
const SMALL_MACHINE_ALLOCATOR_CONF = 'percpu_arena:disabled,narenas:1,tcache_max:4096,tcache_nslots_small_max:16,tcache_nslots_large:4';

/**
 * Opens the configured driver (server when EVALTRACE_CLICKHOUSE_URL is set, else embedded), migrates it,
 * and after an unclean shutdown of the embedded store rebuilds the rollups (see rebuild.ts).
 */
export async function openStore(config: StoreOptions): Promise<Store> {
  if (!config.clickhouse && availableParallelism() <= SMALL_MACHINE_CPUS) process.env.JE_MALLOC_CONF ??= SMALL_MACHINE_ALLOCATOR_CONF;
  // Loaded only when used: the embedded engine is a large native library that server mode never needs.
  const embedded = config.clickhouse ? null : new (await import('./chdb.js')).ChdbStore(config.dataDir);
  const store: Store = embedded ?? (await ClickHouseStore.open({ connection: config.clickhouse! }));
  try {
    await migrate(store);
    if (embedded?.uncleanShutdown) {
      log.error('the previous process did not shut down cleanly: rebuilding the rollups from stored spans');
      await rebuildViews(store);
    }
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
