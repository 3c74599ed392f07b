import { z } from 'zod';
import type { QueryParams } from '../store/types.js';
import { CODE_OF, MODEL_CODE, PRESENT_CODE, SOURCES, type SummarySource, traceSummarySql } from './traces.js';

const name = z.string().min(1).max(512);

/** ISO-8601 date/time or unix milliseconds; turned into unix nanoseconds. */
const instant = z
  .string()
  .refine((s) => !Number.isNaN(/^\d+$/.test(s) ? Number(s) : Date.parse(s)), 'must be an ISO-8601 time or unix milliseconds')
  .transform((s) => BigInt(/^\d+$/.test(s) ? Number(s) : Date.parse(s)) * 1_000_000n);

/** Filters shared by the query endpoints; each names a resolved per-trace field. */
export const TraceFilterSchema = z.object({
  dataset: name.optional(),
  dataset_version: name.optional(),
  model: name.optional(),
  prompt: name.optional(),
  prompt_version: name.optional(),
  since: instant.optional(),
  until: instant.optional(),
  run: name.optional(),
  config: z
    .string()
    .regex(/^[0-9a-f]{16}$/, 'must be a configuration hash: 16 hex digits, as GET /api/runs lists it in configs[].config_hash')
    .optional(),
});
export type TraceFilter = z.infer<typeof TraceFilterSchema>;

export const JudgeFilterSchema = z.object({
  judge: name.optional(),
  judge_version: name.optional(),
  evaluation: name.optional(),
});
export type JudgeFilter = z.infer<typeof JudgeFilterSchema>;

/** The run a run id belongs to, as SQL over a run id column: runExperiment() tags repeat r of run R as `R/r`. */
export const RUN_OF = (runId: string) => `replaceRegexpOne(${runId}, '/[0-9]+$', '')`;

/** The traces of the runs listed in Array(String) parameter `param` (run ids less their /<repeat>). */
export const IN_RUNS = (param: string) => `run_id != '' AND ${RUN_OF('run_id')} IN {${param}:Array(String)}`;

const TRACE_COLUMNS = {
  dataset: 'dataset_k',
  dataset_version: 'dataset_version_k',
  model: 'model_k',
  prompt: 'prompt_k',
  prompt_version: 'prompt_version_k',
} as const;

type TraceKey = keyof typeof TRACE_COLUMNS;

/**
 * Set filters beside the equality filters of a TraceFilter: the trace's value
 * for a key is one of a list, given as the name of an Array(String) query
 * parameter (compare/prompts: the prompt version is a or b).
 */
export type OneOf = Partial<Record<TraceKey, string>>;

const codesOf = (param: string) => `arrayMap(v -> ${CODE_OF('v')}, {${param}:Array(String)})`;

/** One condition per value filter on `column(key)`: equal to the filter's value, or one of its list. */
function valueConditions(f: TraceFilter, oneOf: OneOf, column: (key: TraceKey) => string): string[] {
  const conditions: string[] = [];
  for (const key of Object.keys(TRACE_COLUMNS) as TraceKey[]) {
    if (f[key] !== undefined) conditions.push(`${column(key)} = ${CODE_OF(`{f_${key}:String}`)}`);
    const list = oneOf[key];
    if (list !== undefined) conditions.push(`has(${codesOf(list)}, ${column(key)})`);
  }
  return conditions;
}

/** WHERE terms over the per-trace summary (see traces-sql.ts), on value codes; values bound as parameters. */
export function traceWhere(f: TraceFilter, params: QueryParams, oneOf: OneOf = {}): string {
  for (const key of Object.keys(TRACE_COLUMNS) as TraceKey[]) {
    const v = f[key];
    if (v !== undefined) params[`f_${key}`] = v;
  }
  const terms = ['is_task', ...valueConditions(f, oneOf, (key) => TRACE_COLUMNS[key])];
  if (f.since !== undefined) {
    params.f_since = f.since.toString();
    terms.push('start_ns >= {f_since:UInt64}');
  }
  if (f.until !== undefined) {
    params.f_until = f.until.toString();
    terms.push('start_ns < {f_until:UInt64}');
  }
  if (f.run !== undefined) {
    params.f_run = f.run;
    terms.push(`run_id != '' AND ${RUN_OF('run_id')} = {f_run:String}`);
  }
  if (f.config !== undefined) {
    // Configurations sit on LLM spans (collector/ingest/request-params.ts), not in the per-trace rollup.
    params.f_config = f.config;
    terms.push('trace_id IN (SELECT trace_id FROM spans WHERE project = {project:String} AND config_hash = {f_config:String})');
  }
  return terms.join(' AND ');
}

/**
 * Necessary conditions on a trace's rollup rows, one per value filter: a
 * trace resolves to value v only if one of its rows carries v's code. The
 * summary then groups only the traces that meet them all (for a prompt and
 * two of its versions, a twenty-fifth of them, say) instead of every trace;
 * the exact filter still follows. A trace's values may sit on different rows,
 * so several conditions are met per trace, not per row.
 */
function prefilter(f: TraceFilter, oneOf: OneOf, source: SummarySource): string {
  const conditions = valueConditions(f, oneOf, (key) => (key === 'model' ? MODEL_CODE('model') : PRESENT_CODE(key)));
  if (conditions.length === 0) return '1';
  const rows = `FROM ${SOURCES[source]} WHERE project = {project:String} AND (${conditions.join(' OR ')})`;
  return conditions.length === 1
    ? `trace_id IN (SELECT trace_id ${rows})`
    : `trace_id IN (SELECT trace_id ${rows} GROUP BY trace_id HAVING ${conditions.map((c) => `max(${c})`).join(' AND ')}
        SETTINGS optimize_aggregation_in_order = 1)`;
}

/**
 * The per-trace summaries (traces-sql.ts) of the traces that pass the filter; `extra` adds WHERE terms.
 * ClickHouse pushes these terms into the compacted rows' branch, where the value codes select a range
 * of the sort key. The traces the compacted source resolves from the rollup, those changed since its
 * generation, are few: they are resolved whole and then filtered, where the prefilter would cost one
 * more pass over the rollup.
 */
export function tracesSql(f: TraceFilter, params: QueryParams, extra = '1', source: SummarySource = 'compacted', oneOf: OneOf = {}): string {
  const where = traceWhere(f, params, oneOf);
  const rows = source === 'compacted' ? '1' : prefilter(f, oneOf, source);
  return `SELECT * FROM (${traceSummarySql(source, { rows })}) WHERE ${where} AND ${extra}`;
}

const JUDGE_COLUMNS = { judge: 'judge_name', judge_version: 'judge_version', evaluation: 'name' } as const;

export function judgeWhere(f: JudgeFilter, params: QueryParams): string {
  const terms: string[] = ['1'];
  for (const [key, column] of Object.entries(JUDGE_COLUMNS)) {
    const v = f[key as keyof typeof JUDGE_COLUMNS];
    if (v !== undefined) {
      params[`j_${key}`] = v;
      terms.push(`${column} = {j_${key}:String}`);
    }
  }
  return terms.join(' AND ');
}

