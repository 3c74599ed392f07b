import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { AnnotationSchema, recordAnnotation, unlabelled } from '../annotations/record.js';
import type { AppEnv } from '../auth.js';
import type { IngestService } from '../ingest/service.js';
import { TraceFilterSchema } from '../sql/filters.js';
import { ListingSchema, listTraces } from '../query/traces.js';
import type { Store } from '../store/types.js';
import { TraceListResponse } from '../contract/responses.js';
import { validationHook } from './openapi.js';
import { commonErrors, errorResponse, jsonResponse, SECURITY } from './responses.js';

const Recorded = z
  .object({
    evaluation_id: z.string(),
    trace_id: z.string(),
    span_id: z.string(),
    judge: z.string(),
    judge_version: z.string().openapi({ description: 'the annotator' }),
    evaluation: z.string(),
    score: z.number().nullable(),
    label: z.string().nullable(),
    passed: z.boolean().nullable(),
    time: z.string(),
  })
  .openapi('RecordedAnnotation');

const route = createRoute({
  method: 'post',
  path: '/api/annotations',
  summary: "A person's score, label and comment on a trace, stored as an evaluation from judge `human` (version: the annotator)",
  security: SECURITY,
  request: { body: { content: { 'application/json': { schema: AnnotationSchema } }, required: true } },
  responses: { 201: jsonResponse('the stored annotation', Recorded), 404: errorResponse('no such trace or span in the project'), ...commonErrors('a bad annotation: the field is named in the message') },
});

const QueueQuery = TraceFilterSchema.extend(ListingSchema.shape)
  .extend({
    annotator: AnnotationSchema.shape.annotator,
    evaluation: z.string().min(1).max(128).default('quality'),
  })
  .strict();

const queueRoute = createRoute({
  method: 'get',
  path: '/api/annotations/queue',
  summary: 'Task traces the annotator has not labelled yet (for the evaluation), in trace-id order, page by page, with their content',
  security: SECURITY,
  request: { query: QueueQuery },
  responses: { 200: jsonResponse('the next traces to label', TraceListResponse), ...commonErrors('a bad or unknown query parameter, named in the message') },
});

export function annotationRoutes(store: Store, ingest: IngestService): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(route, async (c) => c.json(await recordAnnotation(store, ingest, c.get('project'), c.req.valid('json')), 201));
  app.openapi(queueRoute, async (c) => {
    const { annotator, evaluation, ...q } = c.req.valid('query');
    return c.json(await listTraces(store, c.get('project'), q, q, unlabelled(annotator, evaluation)), 200);
  });
  return app;
}
