import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { AnnotationSchema, recordAnnotation } from '../annotations/record.js';
import type { AppEnv } from '../auth.js';
import type { IngestService } from '../ingest/service.js';
import type { Store } from '../store/types.js';
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

export function annotationRoutes(store: Store, ingest: IngestService): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(route, async (c) => c.json(await recordAnnotation(store, ingest, c.get('project'), c.req.valid('json')), 201));
  return app;
}
