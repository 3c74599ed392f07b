import type { StoreLayout } from './cluster.js';

/** Parameter values bound server-side into `{name:Type}` placeholders; never concatenated into SQL. */
export type QueryParams = Record<string, string | number | boolean | readonly string[] | readonly number[]>;

export type Table = 'spans' | 'evaluations' | 'decisions' | 'releases' | 'release_events' | 'dataset_items' | 'dataset_versions' | 'prompt_versions' | 'prompt_label_events';

/**
 * The one store interface both drivers implement (embedded chdb, ClickHouse
 * server). SQL text lives with the queries and the schema in clickhouse/, so
 * both drivers run the same statements.
 */
export interface Store {
  readonly kind: 'embedded' | 'server';
  /** One node, or a cluster's shards and replicas: where a logical table's rows physically are. */
  readonly layout: StoreLayout;
  /** Runs DDL or another statement that returns no rows. */
  command(sql: string, params?: QueryParams): Promise<void>;
  query<T>(sql: string, params?: QueryParams): Promise<T[]>;
  /** Inserts rows (objects keyed by column name; a missing key takes the column default); resolves only once the rows are committed. */
  insert(table: Table, rows: readonly object[]): Promise<void>;
  /** Runs fn once every insert in flight has committed, holding new inserts back until it returns. */
  barrier<T>(fn: () => Promise<T>): Promise<T>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
