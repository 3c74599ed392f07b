import { z } from 'zod';
import type { QueryParams } from '../store/types.js';
import { CODE_OF, MODEL_CODE, PRESENT_CODE, SOURCES, type SummarySource, traceSummarySql } from './traces-sql.js';

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
});
export type TraceFilter = z.infer<typeof TraceFilterSchema>;

export const JudgeFilterSchema = z.object({
  judge: name.optional(),
  judge_version: name.optional(),
  evaluation: name.optional(),
});
export type JudgeFilter = z.infer<typeof JudgeFilterSchema>;

const TRACE_COLUMNS = {
  dataset: 'dataset_k',
  dataset_version: 'dataset_version_k',
  model: 'model_k',
  prompt: 'prompt_k',
  prompt_version: 'prompt_version_k',
} as const;

/** WHERE terms over the per-trace summary (see traces-sql.ts), on value codes; values bound as parameters. */
export function traceWhere(f: TraceFilter, params: QueryParams): string {
  const terms: string[] = ['is_task'];
  for (const [key, column] of Object.entries(TRACE_COLUMNS)) {
    const v = f[key as keyof typeof TRACE_COLUMNS];
    if (v !== undefined) {
      params[`f_${key}`] = v;
      terms.push(`${column} = ${CODE_OF(`{f_${key}:String}`)}`);
    }
  }
  if (f.since !== undefined) {
    params.f_since = f.since.toString();
    terms.push('start_ns >= {f_since:UInt64}');
  }
  if (f.until !== undefined) {
    params.f_until = f.until.toString();
    terms.push('start_ns < {f_until:UInt64}');
  }
  return terms.join(' AND ');
}

/**
 * A necessary condition on a trace's rollup rows for one equality filter: a
 * trace resolves to value v only if one of its rows carries v's code. The
 * summary then groups only those traces (a fifth or less of them, say, for
 * one prompt) instead of every trace; the exact filter still follows.
 */
function prefilter(f: TraceFilter, source: SummarySource): string {
  const key = (['prompt_version', 'prompt', 'model', 'dataset_version', 'dataset'] as const).find((k) => f[k] !== undefined);
  if (key === undefined) return '1';
  const code = key === 'model' ? MODEL_CODE('model') : PRESENT_CODE(key);
  return `trace_id IN (SELECT trace_id FROM ${SOURCES[source]} WHERE project = {project:String} AND ${code} = ${CODE_OF(`{f_${key}:String}`)})`;
}

/** The per-trace summaries (traces-sql.ts) of the traces that pass the filter; `extra` adds WHERE terms. */
export function tracesSql(f: TraceFilter, params: QueryParams, extra = '1', source: SummarySource = 'rollup'): string {
  const where = traceWhere(f, params);
  return `SELECT * FROM (${traceSummarySql(source, prefilter(f, source))}) WHERE ${where} AND ${extra}`;
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

