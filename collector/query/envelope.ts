/**
 * The reproducibility envelope of a set of traces: the code version,
 * environment and seed their runs recorded as resource attributes, with how
 * many traces carry each value.
 */
import { PAIR_NAMES_SQL } from '../sql/traces.js';
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
 * The envelope of the traces of CTE `t` under its parameters: a
 * `t AS (SELECT trace_id, envelope ...)` clause over trace summaries, whose
 * envelope column holds the codes of each trace's (key, value) pairs (clickhouse/012_run_configs.sql).
 */
export async function envelopeOfTraces(store: Store, cte: string, params: QueryParams): Promise<Envelope> {
  const [rows, totals] = await Promise.all([
    store.query<{ key: string; value: string; n_traces: number | string }>(
      `WITH ${cte}
       SELECT first AS key, second AS value, n_traces FROM (
         SELECT code, count() AS n_traces FROM t ARRAY JOIN envelope AS code GROUP BY code
       ) AS e INNER JOIN (${PAIR_NAMES_SQL}) AS p USING (code)
       ORDER BY key, n_traces DESC, value
       LIMIT {limit:UInt32}`,
      { ...params, limit: MAX_VALUES },
    ),
    store.query<{ total: number | string; with_envelope: number | string }>(
      `WITH ${cte} SELECT count() AS total, countIf(notEmpty(envelope)) AS with_envelope FROM t`,
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
