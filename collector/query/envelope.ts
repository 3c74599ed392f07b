/**
 * The reproducibility envelope of a set of traces: the code version,
 * environment and seed their runs recorded as resource attributes, with how
 * many traces carry each value.
 */
import { ATTR } from 'evaltrace/conventions';
import type { QueryParams, Store } from '../store/types.js';

const MAX_VALUES = 200;

export interface EnvelopeEntry {
  key: string;
  values: Array<{ value: string; n_traces: number }>;
}

export interface Envelope {
  envelope: EnvelopeEntry[];
  n_traces_without_envelope: number;
}

/** The envelope of the traces of CTE `t` (a `t AS (SELECT trace_id ...)` clause) under its parameters. */
export async function envelopeOfTraces(store: Store, cte: string, params: QueryParams): Promise<Envelope> {
  const keyTest = `(key = {code_key:String} OR key = {seed_key:String} OR startsWith(key, {env_prefix:String}))`;
  const bound = { ...params, code_key: ATTR.codeVersion, seed_key: ATTR.seed, env_prefix: ATTR.envPrefix, limit: MAX_VALUES };
  const [rows, totals] = await Promise.all([
    store.query<{ key: string; value: string; n_traces: number | string }>(
      `WITH ${cte}
       SELECT key, value, uniqExact(trace_id) AS n_traces
       FROM spans ARRAY JOIN mapKeys(resource_attributes) AS key, mapValues(resource_attributes) AS value
       WHERE project = {project:String} AND trace_id IN (SELECT trace_id FROM t) AND ${keyTest}
       GROUP BY key, value
       ORDER BY key, n_traces DESC, value
       LIMIT {limit:UInt32}`,
      bound,
    ),
    store.query<{ total: number | string; with_envelope: number | string }>(
      `WITH ${cte},
         e AS (SELECT DISTINCT trace_id FROM spans ARRAY JOIN mapKeys(resource_attributes) AS key
               WHERE project = {project:String} AND trace_id IN (SELECT trace_id FROM t) AND ${keyTest})
       SELECT (SELECT count() FROM t) AS total, (SELECT count() FROM e) AS with_envelope`,
      bound,
    ),
  ]);
  const envelope: EnvelopeEntry[] = [];
  for (const r of rows) {
    let entry = envelope.at(-1);
    if (entry?.key !== r.key) {
      entry = { key: r.key, values: [] };
      envelope.push(entry);
    }
    entry.values.push({ value: r.value, n_traces: Number(r.n_traces) });
  }
  const t = totals[0];
  return { envelope, n_traces_without_envelope: t ? Number(t.total) - Number(t.with_envelope) : 0 };
}
