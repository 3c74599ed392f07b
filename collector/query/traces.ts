import type { ListedTrace, TracePage, TraceSummary } from '@evaltrace/semantic-conventions';
import { z } from 'zod';
import { invalid } from '../errors.js';
import { parseRequestParams } from '../ingest/request-params.js';
import type { QueryParams, Store } from '../store/types.js';
import { type TraceFilter, tracesSql } from '../sql/filters.js';
import { finiteOrNull } from '../stats/index.js';
import { TRACE_CONTENT_SQL, traceSummarySql } from '../sql/traces.js';
import { nsToIso } from '../clock.js';

export const ListingSchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** trace_id: a stable order for re-judging a fixed set page by page; newest: latest start first, as people browse. */
  order: z.enum(['trace_id', 'newest']).default('trace_id'),
  cursor: z
    .string()
    .regex(/^([0-9]{1,20}:)?[0-9a-f]{32}$/, 'cursor must be the next_cursor of a previous page')
    .optional(),
});

/** A trace summary as SQL returns it: the listing's fields, with the root's id, the raw cost and start, and the span counts pricing reads. */
interface SummaryRow
  extends Pick<TraceSummary, 'trace_id' | 'dataset' | 'dataset_version' | 'example_id' | 'prompt' | 'prompt_version' | 'model' | 'run_id' | 'success' | 'latency_ms' | 'input_tokens' | 'output_tokens'> {
  root_span_id: string;
  cost_usd: number;
  llm_spans: number;
  unpriced_spans: number;
  start_ns: string;
  is_task: boolean;
}

interface ContentRow {
  trace_id: string;
  task_input: string;
  task_output: string;
  llm_input: string;
  llm_output: string;
}

/** What a trace's listing shows as its input and output: the task's own, else the first LLM call's input and the last one's output. */
export type TraceContent = Map<string, { input: string | null; output: string | null }>;

export async function traceContent(store: Store, project: string, traceIds: readonly string[]): Promise<TraceContent> {
  if (traceIds.length === 0) return new Map();
  const rows = await store.query<ContentRow>(TRACE_CONTENT_SQL, { project, trace_ids: traceIds });
  return new Map(rows.map((c) => [c.trace_id, { input: c.task_input || c.llm_input || null, output: c.task_output || c.llm_output || null }]));
}

function summaryJson(r: SummaryRow): TraceSummary {
  return {
    trace_id: r.trace_id,
    span_id: r.root_span_id || null,
    dataset: r.dataset,
    dataset_version: r.dataset_version,
    example_id: r.example_id,
    prompt: r.prompt,
    prompt_version: r.prompt_version,
    model: r.model,
    run_id: r.run_id,
    success: r.success,
    latency_ms: finiteOrNull(r.latency_ms),
    input_tokens: r.input_tokens,
    output_tokens: r.output_tokens,
    cost_usd: r.llm_spans > r.unpriced_spans ? r.cost_usd : null,
    start_time: nsToIso(r.start_ns),
  };
}

/**
 * Task traces in trace-id order (a stable order for re-judging the same fixed
 * set page by page) or newest first, with the captured input and output a
 * judge reads. Pages are keyset cursors: the last row's trace id, or its
 * start and trace id when newest first.
 */
export async function listTraces(
  store: Store,
  project: string,
  f: TraceFilter,
  page: z.infer<typeof ListingSchema>,
  extra: { where: string; params: QueryParams } = { where: '1', params: {} },
): Promise<TracePage> {
  const params: QueryParams = { ...extra.params, project, limit: page.limit + 1 };
  let after = extra.where;
  const newest = page.order === 'newest';
  if (page.cursor) {
    if (page.cursor.includes(':') !== newest) throw invalid('cursor must be the next_cursor of a previous page in the same order', 'invalid_request');
    const [ns, id] = newest ? page.cursor.split(':') : [undefined, page.cursor];
    params.cursor = id!;
    if (newest) params.cursor_ns = ns!;
    after = `${after} AND ${newest ? '(start_ns, trace_id) < ({cursor_ns:Int64}, {cursor:String})' : 'trace_id > {cursor:String}'}`;
  }
  const rows = await store.query<SummaryRow>(
    `SELECT * EXCEPT (scores) FROM (${tracesSql(f, params, after)}) ORDER BY ${newest ? 'start_ns DESC, trace_id DESC' : 'trace_id'} LIMIT {limit:UInt32}`,
    params,
  );
  const pageRows = rows.slice(0, page.limit);
  const last = pageRows.at(-1);
  const content = await traceContent(store, project, pageRows.map((r) => r.trace_id));
  return {
    traces: pageRows.map((r): ListedTrace => ({ ...summaryJson(r), input: content.get(r.trace_id)?.input ?? null, output: content.get(r.trace_id)?.output ?? null })),
    next_cursor: rows.length > page.limit && last ? (newest ? `${last.start_ns}:${last.trace_id}` : last.trace_id) : null,
  };
}

interface SpanDetailRow {
  span_id: string;
  parent_span_id: string;
  name: string;
  kind: number;
  start_ns: string;
  duration_ns: number;
  status_code: number;
  status_message: string;
  model: string;
  provider: string;
  operation: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_usd: number | null;
  cost_source: string;
  is_llm: boolean;
  is_evaluation: boolean;
  request_params: string;
  config_hash: string;
  attributes: Record<string, string>;
  resource_attributes: Record<string, string>;
  events: Array<{ time: string; name: string; attributes: Record<string, string> }>;
  links: Array<{ trace_id: string; span_id: string; attributes: Record<string, string> }>;
}

/** One trace: its spans, resolved versions and every evaluation that targets it. Null when unknown to the project. */
export async function getTrace(store: Store, project: string, traceId: string) {
  const params = { project, trace_id: traceId };
  const [spans, summary, evaluations] = await Promise.all([
    store.query<SpanDetailRow>(
      `SELECT span_id, parent_span_id, name, kind, toString(toUnixTimestamp64Nano(start_time)) AS start_ns, duration_ns,
         status_code, status_message, model, provider, operation, input_tokens, output_tokens, cache_read_tokens,
         cache_write_tokens, cost_usd, cost_source, is_llm, is_evaluation, request_params, config_hash, attributes,
         resource_attributes, events, links
       FROM spans WHERE project = {project:String} AND trace_id = {trace_id:String}
       ORDER BY start_time, span_id LIMIT 1 BY span_id`,
      params,
    ),
    // One trace by id: the rollup's own key finds its rows at once (compacted rows are sorted by versions, not ids).
    store.query<SummaryRow>(`SELECT * EXCEPT (scores) FROM (${traceSummarySql('rollup', { traces: 'trace_id = {trace_id:String}' })})`, params),
    store.query<Record<string, unknown>>(
      `SELECT evaluation_id, target_span_id, evaluation_trace_id, evaluation_span_id, name AS evaluation, judge_name AS judge,
         judge_version, judge_model, score, label, passed, explanation, source,
         toString(toUnixTimestamp64Nano(time)) AS time_ns
       FROM evaluations WHERE project = {project:String} AND target_trace_id = {trace_id:String}
       ORDER BY time LIMIT 1 BY evaluation_id`,
      params,
    ),
  ]);
  const s = summary[0];
  if (!s || spans.length === 0) return null;
  return {
    ...summaryJson(s),
    is_task: s.is_task,
    spans: spans.map(({ start_ns, request_params, ...span }) => ({
      ...span,
      request_params: parseRequestParams(request_params),
      start_time: nsToIso(start_ns),
      duration_ms: span.duration_ns / 1e6,
    })),
    evaluations: evaluations.map(({ time_ns, ...e }) => ({ ...e, time: nsToIso(String(time_ns)) })),
  };
}

