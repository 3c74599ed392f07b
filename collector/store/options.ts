/** What opening a store needs: the store's own options, which config.ts fills from the environment. */

/** A ClickHouse server; `cluster`: the cluster the schema is spread over (store/cluster.ts), unset on one node. */
export interface ClickHouseConnection {
  url: string;
  user: string;
  password: string;
  database: string;
  timeoutMs: number;
  cluster?: string;
}

export interface StoreOptions {
  /** The embedded store's directory, used when no server is configured. */
  dataDir: string;
  clickhouse?: ClickHouseConnection;
}
