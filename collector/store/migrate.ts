import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
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
