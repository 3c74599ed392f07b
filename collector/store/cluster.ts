/**
 * Where the collector's tables live: on one node, or spread over a
 * ClickHouse cluster (EVALTRACE_CLICKHOUSE_CLUSTER). The schema in
 * clickhouse/ is written for one node; on a cluster each statement is
 * rewritten here, so there is one schema and not two:
 *
 * - The trace tables (SHARDED) become a per-shard table `<name>_local`,
 *   Replicated* on its shard's replicas, and a Distributed table `<name>`
 *   over them, sharded by trace id. Spans and the rollup rows built from them
 *   are keyed by the same hash, and evaluations by their target trace's, so
 *   every row of a trace, and every view's input and output, stay on one
 *   shard: the views read and write the local tables there.
 * - Every other table (registries, decisions, heartbeats, name lookups) is
 *   small and read whole: replicated to every node of the cluster under one
 *   replication path, read locally.
 *
 * The queries keep the logical names; the Distributed tables fan them out.
 */

/** The trace tables, and the expression that picks a row's shard: the trace id's hash, the same for a FixedString and a String id. */
export const SHARDED: Readonly<Record<string, string>> = {
  spans: 'cityHash64(trace_id)',
  evaluations: 'cityHash64(target_trace_id)',
  trace_rollup: 'cityHash64(trace_id)',
  trace_writes: 'cityHash64(trace_id)',
  trace_resolved: 'cityHash64(trace_id)',
};

export interface StoreLayout {
  /** The cluster's name; undefined on one node. */
  readonly cluster: string | undefined;
  /** ` ON CLUSTER 'name'`, or nothing on one node. */
  readonly onCluster: string;
  /** The table that physically holds a logical table's rows on each node. */
  local(table: string): string;
  /** A system table over every node of the store. */
  system(table: 'parts'): string;
  /** A statement over local tables (a view's SELECT) rewritten to read and write the logical ones, so it covers every shard. */
  logical(sql: string): string;
  /** The statements that apply one written for a single node. */
  ddl(statement: string): string[];
}

export const SINGLE_NODE: StoreLayout = {
  cluster: undefined,
  onCluster: '',
  local: (table) => table,
  system: (table) => `system.${table}`,
  logical: (sql) => sql,
  ddl: (statement) => [statement],
};

const NAME = /^[A-Za-z_][\w-]{0,127}$/;

/** A cluster or database name the layout cannot use, or a schema statement it has no cluster form for. */
export class ClusterLayoutError extends Error {
  override name = 'ClusterLayoutError';
}

const sharded = (table: string) => Object.hasOwn(SHARDED, table);
const localOf = (table: string) => (sharded(table) ? `${table}_local` : table);
const SHARDED_NAMES = Object.keys(SHARDED).join('|');
/** A sharded table named as a statement's source, join or view target. */
const SOURCE = new RegExp(`\\b(FROM|JOIN|TO)\\s+(${SHARDED_NAMES})\\b`, 'gi');
const LOCAL = new RegExp(`\\b(${SHARDED_NAMES})_local\\b`, 'g');

/** Replicated engine, its replication path first: per shard for the trace tables, one for the whole cluster for the rest. */
function replicated(table: string, engine: string, args: string | undefined): string {
  const path = sharded(table) ? '/clickhouse/tables/{shard}/{database}/{table}' : '/clickhouse/tables/all/{database}/{table}';
  const rest = args?.trim() ? `, ${args.trim()}` : '';
  return `Replicated${engine}('${path}', '{replica}'${rest})`;
}

export function clusterLayout(cluster: string, database: string): StoreLayout {
  if (!NAME.test(cluster)) throw new ClusterLayoutError(`cluster name "${cluster}" must be letters, digits, _ and -, starting with a letter or _`);
  if (!NAME.test(database)) throw new ClusterLayoutError(`database name "${database}" must be letters, digits, _ and -, starting with a letter or _`);
  const on = ` ON CLUSTER '${cluster}'`;

  const createTable = (m: RegExpExecArray): string[] => {
    const [, ifNotExists = '', table = '', columns = '', engine = '', args, rest = ''] = m;
    if (!/MergeTree$/.test(engine)) throw new ClusterLayoutError(`no cluster form for engine ${engine} of ${table}`);
    const local = localOf(table);
    const create = `CREATE TABLE ${ifNotExists}${local}${on} ${columns.trim()}\nENGINE = ${replicated(table, engine, args)}${rest}`;
    if (!sharded(table)) return [create];
    return [create, `CREATE TABLE ${ifNotExists}${table}${on} AS ${local}\nENGINE = Distributed('${cluster}', '${database}', '${local}', ${SHARDED[table]})`];
  };

  const rules: Array<[RegExp, (m: RegExpExecArray) => string[]]> = [
    [/^CREATE TABLE (IF NOT EXISTS )?(\w+)\s*([\s\S]*?)\bENGINE\s*=\s*(\w+)(?:\(([^)]*)\))?([\s\S]*)$/i, createTable],
    [
      /^CREATE MATERIALIZED VIEW (IF NOT EXISTS )?(\w+)\s+([\s\S]*)$/i,
      ([, ifNotExists = '', view, body = '']) => [
        `CREATE MATERIALIZED VIEW ${ifNotExists}${view}${on} ${body.replace(SOURCE, (_, word: string, t: string) => `${word} ${localOf(t)}`)}`,
      ],
    ],
    [/^DROP VIEW (IF EXISTS )?(\w+)$/i, ([, ifExists = '', view]) => [`DROP VIEW ${ifExists}${view}${on} SYNC`]],
    [
      /^DROP TABLE (IF EXISTS )?(\w+)$/i,
      ([, ifExists = '', table = '']) =>
        [...new Set([table, localOf(table)])].map((t) => `DROP TABLE ${ifExists}${t}${on} SYNC`),
    ],
    [
      /^ALTER TABLE (\w+)\s+([\s\S]*)$/i,
      ([, table = '', change = '']) => {
        const local = `ALTER TABLE ${localOf(table)}${on} ${change}`;
        // The Distributed table has the columns too; storage settings are the local table's alone.
        const columns = /^(ADD|DROP|MODIFY|RENAME|COMMENT)\s+COLUMN\b/i.test(change);
        return sharded(table) && columns ? [local, `ALTER TABLE ${table}${on} ${change}`] : [local];
      },
    ],
  ];

  return {
    cluster,
    onCluster: on,
    local: localOf,
    system: (table) => `clusterAllReplicas('${cluster}', system.${table})`,
    logical: (sql) => sql.replace(LOCAL, '$1'),
    ddl(statement) {
      const sql = statement.trim();
      for (const [pattern, rewrite] of rules) {
        const m = pattern.exec(sql);
        if (m) return rewrite(m);
      }
      if (/^(CREATE|DROP|ALTER|RENAME|TRUNCATE)\b/i.test(sql)) throw new ClusterLayoutError(`no cluster form for statement: ${sql.slice(0, 80)}`);
      return [sql];
    },
  };
}
