import type { Config } from '../config.js';
import { ClickHouseStore } from './clickhouse.js';
import { migrate } from './migrate.js';
import type { Store } from './types.js';

/** Opens the configured driver (server when EVALTRACE_CLICKHOUSE_URL is set, else embedded) and migrates it. */
export async function openStore(config: Pick<Config, 'dataDir' | 'clickhouse'>): Promise<Store> {
  // Loaded only when used: the embedded engine is a large native library that server mode never needs.
  const store: Store = config.clickhouse
    ? await ClickHouseStore.open({ connection: config.clickhouse })
    : new (await import('./chdb.js')).ChdbStore(config.dataDir);
  try {
    await migrate(store);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
