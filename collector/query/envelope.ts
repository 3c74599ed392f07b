/**
 * The reproducibility envelope of a set of traces: the code version,
 * environment and seed their runs recorded as resource attributes, with how
 * many traces carry each value.
 */
import { ENVELOPE_PAIRS_SQL } from '../sql/traces.js';
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

/**
 * Traces per envelope (key, value), from CTE `groups` of (…`by`, envelope,
 * n): traces counted per distinct set of resource codes first (a run has a
 * handful), so the pairs are joined to those sets, not to every trace; a pair
 * two resources of one set share counts once for it.
 */
export const envelopeCounts = (groups: string, by = '') => {
  const keys = by ? `${by}, ` : '';
  return `SELECT ${keys}key, value, sum(n) AS n FROM (
    SELECT DISTINCT ${keys}envelope, n, key, value FROM ${groups} ARRAY JOIN envelope AS code INNER JOIN (${ENVELOPE_PAIRS_SQL}) AS p USING (code)
  ) GROUP BY ${keys}key, value`;
};

/**
 * The envelope of the traces of CTE `t` under its parameters: a
 * `t AS (SELECT trace_id, envelope ...)` clause over trace summaries, whose
 * envelope column holds the codes of the resources each trace's spans came
 * from, whose envelope pairs pair_names holds (clickhouse/012_run_configs.sql).
 */
export async function envelopeOfTraces(store: Store, cte: string, params: QueryParams): Promise<Envelope> {
  const grouped = `WITH ${cte}, g AS (SELECT envelope, count() AS n FROM t GROUP BY envelope)`;
  const [rows, totals] = await Promise.all([
    store.query<{ key: string; value: string; n_traces: number | string }>(
      `${grouped}
       SELECT key, value, n AS n_traces FROM (${envelopeCounts('g')})
       ORDER BY key, n_traces DESC, value
       LIMIT {limit:UInt32}`,
      { ...params, limit: MAX_VALUES },
    ),
    store.query<{ total: number | string; with_envelope: number | string }>(
      `${grouped}
       SELECT sum(n) AS total, sumIf(n, hasAny(envelope, (SELECT groupArray(code) FROM (${ENVELOPE_PAIRS_SQL})))) AS with_envelope FROM g`,
      params,
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
