import type { Config } from '../config.js';
import { ChdbStore } from './chdb.js';
import { migrate } from './migrate.js';
import type { Store } from './types.js';

/** Opens the configured driver (server when EVALTRACE_CLICKHOUSE_URL is set, else embedded) and migrates it. */
export async function openStore(config: Pick<Config, 'dataDir' | 'clickhouse'>): Promise<Store> {
  const store: Store = new ChdbStore(config.dataDir);
  try {
    await migrate(store);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
