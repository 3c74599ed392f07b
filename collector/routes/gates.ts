import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../auth.js';
import { notFound } from '../errors.js';
import { getDecision, listDecisions } from '../gates/decisions.js';
import { evaluateGate } from '../gates/evaluate.js';
import { DecisionListQuery, DecisionListSchema, DecisionRecordSchema, GateRequestSchema, GateResultSchema } from '../gates/schemas.js';
import type { Store } from '../store/types.js';
import { validationHook } from './openapi.js';
import { commonErrors, errorResponse } from './responses.js';

const ERRORS = commonErrors('a bad request: the field is named in the message (or an ambiguous score: the choices are listed)');

const evaluateRoute = createRoute({
  method: 'post',
  path: '/api/gates/evaluate',
  summary: 'Promotion gate: candidate against baseline under declared rules → promote, warn or block, with the evidence; stored as a decision record',
  security: [{ bearer: [] }],
  request: { body: { content: { 'application/json': { schema: GateRequestSchema } }, required: true } },
  responses: {
    200: { description: 'the decision, every check and the next action', content: { 'application/json': { schema: GateResultSchema } } },
    ...ERRORS,
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/api/gates/decisions',
  summary: 'The stored gate decisions, newest first, each with its sides and the outcome of every check',
  security: [{ bearer: [] }],
  request: { query: DecisionListQuery },
  responses: {
    200: { description: 'decisions, newest first', content: { 'application/json': { schema: DecisionListSchema } } },
    ...ERRORS,
  },
});

const decisionRoute = createRoute({
  method: 'get',
  path: '/api/gates/decisions/{id}',
  summary: 'A stored gate decision: its inputs and result',
  security: [{ bearer: [] }],
  request: { params: z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: '3f1c2b4e-8d7a-4e8b-9c0d-1a2b3c4d5e6f' }) }) },
  responses: {
    200: { description: 'the decision record', content: { 'application/json': { schema: DecisionRecordSchema } } },
    404: errorResponse('no such decision in the project'),
    ...ERRORS,
  },
});

export function gateRoutes(store: Store): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(evaluateRoute, async (c) => {
    const request = c.req.valid('json');
    // The record keeps the body as sent: the parsed one holds since/until as nanosecond bigints.
    const inputs: unknown = await c.req.json();
    return c.json(await evaluateGate(store, c.get('project'), request, inputs), 200);
  });

  app.openapi(listRoute, async (c) => c.json(await listDecisions(store, c.get('project'), c.req.valid('query')), 200));

  app.openapi(decisionRoute, async (c) => {
    const { id } = c.req.valid('param');
    const record = await getDecision(store, c.get('project'), id);
    if (!record) throw notFound(`gate decision ${id} not found`);
    return c.json(record, 200);
  });

  return app;
}
