import type { Store } from './types.js';

/**
 * Rebuilds every materialized view's target (trace_rollup, judge_keys, value_names) from
 * the base tables. A process killed in the middle of an insert can leave the
 * spans part written and the view's part not; the retry of that batch is then
 * dropped as a duplicate, so the rollup would miss those spans for good.
 * After an unclean shutdown the collector runs this before serving. It reuses
 * the views' own SELECTs (system.tables.as_select), so there is no second copy
 * of the rollup logic. On a cluster the views read and write each shard's
 * local tables; the rebuild reads and writes the Distributed ones instead, so
 * it covers every shard from one node.
 */
export async function rebuildViews(store: Store): Promise<void> {
  const views = await store.query<{ as_select: string; create_table_query: string }>(
    `SELECT as_select, create_table_query FROM system.tables
     WHERE database = currentDatabase() AND engine = 'MaterializedView'`,
  );
  const { layout } = store;
  const targeted = views.map((v) => ({ select: layout.logical(v.as_select), target: /\bTO\s+([\w.`]+)/.exec(v.create_table_query)?.[1] }));
  for (const target of new Set(targeted.map((v) => v.target))) if (target) await store.command(`TRUNCATE TABLE ${target}${layout.onCluster}`);
  for (const v of targeted) {
    if (!v.target) continue;
    const columns = await store.query<{ name: string }>(`DESCRIBE TABLE (${v.select})`);
    await store.command(`INSERT INTO ${layout.logical(v.target)} (${columns.map((c) => `\`${c.name}\``).join(', ')}) ${v.select}`);
  }
}
