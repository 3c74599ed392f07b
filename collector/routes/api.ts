import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../auth.js';
import { notFound } from '../errors.js';
import { comparePrompts } from '../query/compare-prompts.js';
import { compareJudges } from '../query/compare-judges.js';
import { judgeAlignment } from '../query/judge-alignment.js';
import {
  comparePromptRecords,
  CONTENT_TYPES,
  disagreementRecords,
  type ExportFormat,
  fileName,
  type FlatRecord,
  render,
  tripleRecords,
} from './export.js';
import { promptReport } from '../query/prompts.js';
import { getTrace, listTraces } from '../query/traces.js';
import { triples } from '../query/triples.js';
import type { Store } from '../store/types.js';
import {
  AlignmentResponse,
  CompareJudgesResponse,
  ComparePromptsResponse,
  PromptsResponse,
  TraceListResponse,
  TraceResponse,
  TriplesResponse,
} from '../contract/responses.js';
import { AlignmentQuery, CompareJudgesQuery, ComparePromptsQuery, ListingQuery, PromptsQuery, TraceParams, TriplesQuery } from './api-schemas.js';
import { validationHook } from './openapi.js';
import { commonErrors, errorResponse } from './responses.js';

const ERRORS = commonErrors('a bad or unknown query parameter, named in the message');

function jsonRoute<Q extends z.ZodObject, R extends z.ZodType>(path: string, summary: string, query: Q, response: R, downloads = false) {
  const text = { schema: { type: 'string' as const } };
  return createRoute({
    method: 'get',
    path,
    summary,
    security: [{ bearer: [] }],
    request: { query },
    responses: {
      200: {
        description: downloads ? 'the result as JSON, or as a CSV / JSONL download with ?format=' : 'the result',
        content: {
          'application/json': { schema: response },
          ...(downloads ? { 'text/csv': text, 'application/x-ndjson': text } : {}),
        },
      },
      ...ERRORS,
    },
  });
}

const routes = {
  triples: jsonRoute(
    '/api/triples',
    'Counts, tokens, cost, success, latency and scores per judge version for each (dataset, dataset version, model, prompt, prompt version)',
    TriplesQuery,
    TriplesResponse,
    true,
  ),
  traces: jsonRoute('/api/traces', 'Task traces in trace-id order with their captured input and output, page by page', ListingQuery, TraceListResponse),
  prompts: jsonRoute('/api/prompts', 'Cost and quality by prompt version: one row per prompt version × model × dataset version', PromptsQuery, PromptsResponse),
  comparePrompts: jsonRoute(
    '/api/compare/prompts',
    'Paired comparison of two prompt versions on the same examples, per model',
    ComparePromptsQuery,
    ComparePromptsResponse,
    true,
  ),
  compareJudges: jsonRoute(
    '/api/compare/judges',
    'Two judge versions on the same traces: agreement, kappa, correlation, mean delta, disagreements and the effect on which prompt wins',
    CompareJudgesQuery,
    CompareJudgesResponse,
    true,
  ),
  alignment: jsonRoute(
    '/api/judges/alignment',
    'Every version of a judge against a reference (default human labels): agreement, kappa, precision/recall, mean delta; ranked, with the best',
    AlignmentQuery,
    AlignmentResponse,
  ),
};

const traceRoute = createRoute({
  method: 'get',
  path: '/api/traces/{traceId}',
  summary: 'One trace: spans, resolved versions and every evaluation that targets it',
  security: [{ bearer: [] }],
  request: { params: TraceParams },
  responses: {
    200: { description: 'the trace', content: { 'application/json': { schema: TraceResponse } } },
    404: errorResponse('no such trace in the project'),
    ...ERRORS,
  },
});

function download(c: Context, format: ExportFormat, parts: string[], records: FlatRecord[]): Response {
  return c.body(render(format, records), 200, {
    'content-type': CONTENT_TYPES[format],
    'content-disposition': `attachment; filename="${fileName(parts, format)}"`,
  });
}

export function apiRoutes(store: Store): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(routes.triples, async (c) => {
    const { format, ...f } = c.req.valid('query');
    const result = await triples(store, c.get('project'), f);
    if (format === 'csv' || format === 'jsonl') return download(c, format, ['triples'], tripleRecords(result));
    return c.json({ triples: result }, 200);
  });

  app.openapi(routes.traces, async (c) => {
    const q = c.req.valid('query');
    return c.json(await listTraces(store, c.get('project'), q, q), 200);
  });

  app.openapi(traceRoute, async (c) => {
    const id = c.req.valid('param').traceId.toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(id)) throw notFound(`trace ids are 32 hex digits; "${id.slice(0, 40)}" is not one`);
    const trace = await getTrace(store, c.get('project'), id);
    if (!trace) throw notFound(`trace ${id} not found`);
    return c.json(trace, 200);
  });

  app.openapi(routes.alignment, async (c) => c.json(await judgeAlignment(store, c.get('project'), c.req.valid('query')), 200));

  app.openapi(routes.prompts, async (c) => c.json(await promptReport(store, c.get('project'), c.req.valid('query')), 200));

  app.openapi(routes.comparePrompts, async (c) => {
    const { format, ...q } = c.req.valid('query');
    const result = await comparePrompts(store, c.get('project'), q);
    if (format === 'csv' || format === 'jsonl') {
      return download(c, format, ['compare-prompts', q.prompt, q.a, q.b], comparePromptRecords(result));
    }
    return c.json(result, 200);
  });

  app.openapi(routes.compareJudges, async (c) => {
    const { format, ...q } = c.req.valid('query');
    const exporting = format === 'csv' || format === 'jsonl';
    const result = await compareJudges(store, c.get('project'), q, exporting);
    if (exporting) return download(c, format, ['judge-disagreements', q.judge, q.a, q.b], disagreementRecords(result));
    return c.json(result, 200);
  });

  return app;
}
