import type { Store } from '../store/types.js';
import type { EvaluationRow, SpanRow } from './rows.js';

/**
 * Insert-time deduplication. Exporters retry whole batches and a span may be
 * sent twice in different batches; dropping rows already stored keeps every
 * count exact at insert time, which is what lets the trace rollup (a
 * materialized view) sum without double counting. The check and the insert
 * run inside the group committer, which writes one batch at a time, so two
 * requests cannot both pass the check for the same span.
 */
export async function newSpans(store: Store, rows: readonly SpanRow[]): Promise<SpanRow[]> {
  const unique = new Map<string, SpanRow>();
  for (const r of rows) unique.set(`${r.project}/${r.trace_id}/${r.span_id}`, r);
  if (unique.size === 0) return [];
  const projects = [...new Set(rows.map((r) => r.project))];
  const traces = [...new Set(rows.map((r) => r.trace_id))];
  const existing = await store.query<{ k: string }>(
    `SELECT concat(project, '/', trace_id, '/', span_id) AS k FROM spans
     WHERE project IN {projects:Array(String)} AND trace_id IN {traces:Array(String)}`,
    { projects, traces },
  );
  for (const { k } of existing) unique.delete(k);
  return [...unique.values()];
}

export async function newEvaluations(store: Store, rows: readonly EvaluationRow[]): Promise<EvaluationRow[]> {
  const unique = new Map<string, EvaluationRow>();
  for (const r of rows) unique.set(`${r.project}/${r.evaluation_id}`, r);
  if (unique.size === 0) return [];
  // The evaluated trace leads the table's sort key, so this reads a few granules.
  const existing = await store.query<{ k: string }>(
    `SELECT concat(project, '/', evaluation_id) AS k FROM evaluations
     WHERE project IN {projects:Array(String)} AND target_trace_id IN {targets:Array(String)}
       AND evaluation_id IN {ids:Array(String)}`,
    {
      projects: [...new Set(rows.map((r) => r.project))],
      targets: [...new Set(rows.map((r) => r.target_trace_id))],
      ids: [...new Set(rows.map((r) => r.evaluation_id))],
    },
  );
  for (const { k } of existing) unique.delete(k);
  return [...unique.values()];
}
