/** A release's traces: the task traces its configuration names. */
import type { TraceFilter } from '../sql/filters.js';
import { tracesSql } from '../sql/filters.js';
import type { QueryParams, Store } from '../store/types.js';
import type { ReleaseConfig } from './schemas.js';

export function configFilter(c: ReleaseConfig): TraceFilter {
  return { dataset: c.dataset, dataset_version: c.dataset_version, model: c.model, prompt: c.prompt, prompt_version: c.prompt_version };
}

/** The CTE `t` of the release's task traces (trace_id, envelope), with its parameters. */
export function releaseTraces(project: string, c: ReleaseConfig): { cte: string; params: QueryParams } {
  const params: QueryParams = { project };
  return { cte: `t AS (SELECT trace_id, envelope FROM (${tracesSql(configFilter(c), params)}))`, params };
}

export async function countTraces(store: Store, project: string, c: ReleaseConfig): Promise<number> {
  const { cte, params } = releaseTraces(project, c);
  const rows = await store.query<{ n: number | string }>(`WITH ${cte} SELECT count() AS n FROM t`, params);
  return Number(rows[0]?.n ?? 0);
}
