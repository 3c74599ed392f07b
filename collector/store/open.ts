import type { Config } from '../config.js';
import { ClickHouseStore } from './clickhouse.js';
import { migrate } from './migrate.js';
import { rebuildViews } from './rebuild.js';
import type { Store } from './types.js';

/**
 * The embedded engine's allocator (jemalloc) keeps freed pages for 5 s by
 * default; under sustained ingest that cache held ~60 MB of the collector's
 * memory. 500 ms returns most of it at no clear cost to the ingest rate (200 ms
 * returned a little more but cost ~20% of it, see README "Benchmarks").
 * jemalloc reads this when the library loads, so it is set before the first
 * import; an operator's own JE_MALLOC_CONF wins.
 */
const EMBEDDED_ALLOCATOR_CONF = 'dirty_decay_ms:500';

/**
 * Opens the configured driver (server when EVALTRACE_CLICKHOUSE_URL is set, else embedded), migrates it,
 * and after an unclean shutdown of the embedded store rebuilds the rollups (see rebuild.ts).
 */
export async function openStore(config: Pick<Config, 'dataDir' | 'clickhouse'>): Promise<Store> {
  // Loaded only when used: the embedded engine is a large native library that server mode never needs.
  if (!config.clickhouse) process.env.JE_MALLOC_CONF ??= EMBEDDED_ALLOCATOR_CONF;
  const embedded = config.clickhouse ? null : new (await import('./chdb.js')).ChdbStore(config.dataDir);
  const store: Store = embedded ?? (await ClickHouseStore.open({ connection: config.clickhouse! }));
  try {
    await migrate(store);
    if (embedded?.uncleanShutdown) {
      console.error('[evaltrace] the previous process did not shut down cleanly: rebuilding the rollups from stored spans');
      await rebuildViews(store);
    }
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
