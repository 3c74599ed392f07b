import { type ClickHouseClient, ClickHouseError, ClickHouseLogLevel, type ClickHouseSettings, createClient } from '@clickhouse/client';
import { StoreError } from './errors.js';
import {
  classifyFailure,
  DEFAULT_RETRY,
  type FailureKind,
  RetriesExhausted,
  type RetryEvent,
  type RetryPolicy,
  withRetry,
} from './clickhouse-retry.js';
import { clusterLayout, SINGLE_NODE, type StoreLayout } from './cluster.js';
import type { QueryParams, Store, Table } from './types.js';
import { WriteGate } from './write-gate.js';
import { log } from '../logger.js';
import type { ClickHouseConnection } from './options.js';

export interface ClickHouseStoreOptions {
  connection: ClickHouseConnection;
  retry?: Partial<RetryPolicy>;
  /** Told about each retry; defaults to a one-line warning on stderr. */
  onRetry?: (e: RetryEvent & { operation: string }) => void;
}

const anyRetryable = (kind: FailureKind) => kind !== 'permanent';
const unsentOnly = (kind: FailureKind) => kind === 'unsent';

/**
 * On a cluster: an insert answers once every shard it wrote to has it (not
 * when the Distributed table queued it), on a majority of the shard's
 * replicas; reads see every insert so acknowledged, on whichever replica they
 * run; and a subquery over a Distributed table runs once, on the node asked,
 * with its result sent to the shards (GLOBAL IN / JOIN), which is right
 * whatever the subquery groups by.
 */
const CLUSTER_SETTINGS: ClickHouseSettings = {
  insert_distributed_sync: 1,
  insert_quorum: 'auto',
  select_sequential_consistency: '1',
  distributed_product_mode: 'global',
};

function client(c: ClickHouseStoreOptions['connection'], database: string | undefined): ClickHouseClient {
  return createClient({
    url: c.url,
    username: c.user,
    password: c.password,
    database,
    request_timeout: c.timeoutMs,
    application: 'evaltrace',
    // Spans are wide text rows: compress insert bodies on the wire.
    compression: { request: true },
    // The server quotes 64-bit integers in JSON by default; the queries expect numbers, as the embedded driver returns them.
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0, ...(c.cluster ? CLUSTER_SETTINGS : {}) },
    // Failures reach the caller as StoreError (and retries via onRetry); the client's own logging would repeat them.
    log: { level: ClickHouseLogLevel.OFF },
  });
}

/** Server driver: a ClickHouse server over HTTP via @clickhouse/client, the same SQL as the embedded driver. */
export class ClickHouseStore implements Store {
  readonly kind = 'server' as const;
  readonly layout: StoreLayout;
  private readonly client: ClickHouseClient;
  private readonly policy: RetryPolicy;
  private readonly where: string;
  private readonly gate = new WriteGate();

  private constructor(private readonly options: ClickHouseStoreOptions) {
    this.client = client(options.connection, options.connection.database);
    const { cluster, database } = options.connection;
    this.layout = cluster ? clusterLayout(cluster, database) : SINGLE_NODE;
    this.policy = { ...DEFAULT_RETRY, budgetMs: options.connection.timeoutMs, ...options.retry };
    const url = new URL(options.connection.url);
    url.username = '';
    url.password = '';
    this.where = `ClickHouse at ${url.origin}`;
  }

  /** Connects, creating the configured database when it does not exist yet. */
  static async open(options: ClickHouseStoreOptions): Promise<ClickHouseStore> {
    const store = new ClickHouseStore(options);
    try {
      await store.ensureDatabase();
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  async command(sql: string, params: QueryParams = {}): Promise<void> {
    // A command may not be harmless to repeat (ALTER, INSERT ... SELECT): only retried when it never ran.
    await this.run('command', unsentOnly, () => this.client.command({ query: sql, query_params: params }));
  }

  async query<T>(sql: string, params: QueryParams = {}): Promise<T[]> {
    return this.run('query', anyRetryable, async () => {
      const result = await this.client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
      return result.json<T>();
    });
  }

  /**
   * Resent only when ClickHouse never ran it. After an ambiguous failure the
   * rows may be stored already, and a blind resend would store them twice:
   * ReplacingMergeTree would collapse the copies eventually, but the trace
   * rollup (a materialized view) sums every inserted row, and exact counts rest
   * on the collector's insert-time dedup (ingest/dedup.ts). So the failure goes
   * back as a StoreError → 503, the exporter re-sends the batch, and the dedup
   * check drops whatever the first attempt did store.
   */
  async insert(table: Table, rows: readonly object[]): Promise<void> {
    if (rows.length === 0) return;
    await this.gate.write(() =>
      this.run(`insert into ${table}`, unsentOnly, () => this.client.insert({ table, values: rows, format: 'JSONEachRow' })),
    );
  }

  barrier<T>(fn: () => Promise<T>): Promise<T> {
    return this.gate.exclusive(fn);
  }

  async ping(): Promise<boolean> {
    try {
      await this.client.query({ query: 'SELECT 1', format: 'JSONEachRow' }).then((r) => r.json());
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async ensureDatabase(): Promise<void> {
    const { database } = this.options.connection;
    const admin = client(this.options.connection, undefined);
    try {
      await this.run('create database', anyRetryable, async () => {
        const found = await admin.query({
          query: 'SELECT name FROM system.databases WHERE name = {db:String}',
          query_params: { db: database },
          format: 'JSONEachRow',
        });
        if ((await found.json()).length > 0) return;
        await admin.command({ query: `CREATE DATABASE IF NOT EXISTS {db:Identifier}${this.layout.onCluster}`, query_params: { db: database } });
      });
    } finally {
      await admin.close();
    }
  }

  private async run<T>(operation: string, retryable: (kind: FailureKind) => boolean, op: () => Promise<T>): Promise<T> {
    const onRetry =
      this.options.onRetry ??
      ((e: RetryEvent) =>
        log.warn(`${this.where}: ${operation} failed (${describe(e.error)}); retry ${e.attempt} in ${e.delayMs} ms`));
    try {
      return await withRetry(op, retryable, this.policy, (e) => onRetry({ ...e, operation }));
    } catch (err) {
      throw this.storeError(operation, err);
    }
  }

  private storeError(operation: string, err: unknown): StoreError {
    const last = err instanceof RetriesExhausted ? err.lastError : err;
    const after = err instanceof RetriesExhausted ? ` (gave up after ${err.attempts} attempts)` : '';
    const { user } = this.options.connection;
    let message: string;
    if (last instanceof ClickHouseError && ['516', '192', '193', '194'].includes(last.code)) {
      message = `${this.where} rejected user "${user}" (${last.type}): check EVALTRACE_CLICKHOUSE_USER and EVALTRACE_CLICKHOUSE_PASSWORD`;
    } else if (classifyFailure(last) === 'unsent' && !(last instanceof ClickHouseError)) {
      message = `cannot reach ${this.where}: ${describe(last)}`;
    } else {
      message = `${this.where}: ${operation} failed: ${describe(last)}`;
    }
    return new StoreError(message + after, { cause: last });
  }
}

function describe(err: unknown): string {
  if (err instanceof ClickHouseError) return `${err.type} (code ${err.code}): ${err.message.trim()}`;
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return `${code ? `${code}: ` : ''}${err.message.slice(0, 500)}`;
  }
  return String(err);
}
