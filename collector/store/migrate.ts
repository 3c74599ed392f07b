import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { StoreError } from './errors.js';
import { rebuildViews } from './rebuild.js';
import type { Store } from './types.js';

const SCHEMA_DIR = fileURLToPath(new URL('../../clickhouse/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/** Reads clickhouse/NNN_name.sql in order; statements are separated by `;` at a line end. */
export async function loadMigrations(dir = SCHEMA_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => {
      const text = await readFile(dir + file, 'utf8');
      const statements = text
        .split(/;\s*$/m)
        .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
        .filter((s) => s.length > 0);
      return { version: Number(file.slice(0, 3)), name: file, statements };
    }),
  );
}

/**
 * Applies the migrations not yet recorded in schema_migrations; safe to run at
 * every start. A migration may replace a materialized view and its table; on
 * a store that already had a schema the views' tables are then rebuilt from
 * the base tables, so they cover the data stored before. Migrations that
 * create no view (settings, new tables) cost no rebuild.
 */
export async function migrate(store: Store): Promise<number> {
  const ddl = async (sql: string) => {
    for (const statement of store.layout.ddl(sql)) await store.command(statement);
  };
  await ddl(
    `CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, applied_at DateTime DEFAULT now())
     ENGINE = ReplacingMergeTree ORDER BY version`,
  );
  const applied = new Set(
    (await store.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
  );
  await checkLayout(store);
  let latest = 0;
  let viewsReplaced = false;
  for (const m of await loadMigrations()) {
    latest = Math.max(latest, m.version);
    if (applied.has(m.version)) continue;
    viewsReplaced ||= m.statements.some((sql) => /^CREATE MATERIALIZED VIEW\b/i.test(sql));
    for (const sql of m.statements) await ddl(sql);
    await store.command('INSERT INTO schema_migrations (version, name) VALUES ({v:UInt32}, {n:String})', {
      v: m.version,
      n: m.name,
    });
  }
  if (viewsReplaced && applied.size > 0) await rebuildViews(store);
  return latest;
}

/**
 * A database keeps the layout it was created with: a cluster collector on a
 * single-node database (or the reverse) would read tables that are not there.
 */
async function checkLayout(store: Store): Promise<void> {
  const names = new Set(
    (
      await store.query<{ name: string }>(
        `SELECT name FROM system.tables WHERE database = currentDatabase() AND name IN ('spans', {local:String})`,
        { local: 'spans_local' },
      )
    ).map((t) => t.name),
  );
  if (!names.has('spans')) return;
  const { cluster } = store.layout;
  if (cluster && !names.has('spans_local')) {
    throw new StoreError(`EVALTRACE_CLICKHOUSE_CLUSTER is ${cluster}, but this database was created on one node: use a new database for the cluster`);
  }
  if (!cluster && names.has('spans_local')) {
    throw new StoreError('this database was created on a cluster (it has spans_local): set EVALTRACE_CLICKHOUSE_CLUSTER to its cluster');
  }
}
