import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../auth.js';
import { notFound } from '../errors.js';
import { compareRuns } from '../query/compare-runs.js';
import { getRun, listRuns } from '../query/runs.js';
import type { Store } from '../store/types.js';
import { validationHook } from './openapi.js';
import { commonErrors, errorResponse, jsonResponse, SECURITY } from './responses.js';
import { CompareRunsResponse, RunResponse, RunsResponse } from '../contract/runs.js';
import { CompareRunsQuery, RunParams, RunQuery, RunsQuery } from './runs-schemas.js';

const ERRORS = commonErrors('a bad or unknown query parameter, named in the message');

const routes = {
  list: createRoute({
    method: 'get',
    path: '/api/runs',
    summary: 'Experiment runs newest first: dataset, prompt, model, configurations, envelope, counts, success, cost per success and scores with CIs',
    security: SECURITY,
    request: { query: RunsQuery },
    responses: { 200: jsonResponse('the runs', RunsResponse), ...ERRORS },
  }),
  get: createRoute({
    method: 'get',
    path: '/api/runs/{id}',
    summary: 'One run with its envelope and its items (repeats pooled per item)',
    security: SECURITY,
    request: { params: RunParams, query: RunQuery },
    responses: { 200: jsonResponse('the run', RunResponse), 404: errorResponse('no such run in the project'), ...ERRORS },
  }),
  compare: createRoute({
    method: 'get',
    path: '/api/compare/runs',
    summary: 'Two runs paired by dataset item: quality, pass rate, success, cost per success and latency deltas with CIs, worst items first',
    security: SECURITY,
    request: { query: CompareRunsQuery },
    responses: {
      200: jsonResponse('the comparison', CompareRunsResponse),
      404: errorResponse('a run not found'),
      409: errorResponse('the runs ran on different dataset versions, whose items cannot be paired'),
      ...ERRORS,
    },
  }),
};

export function runRoutes(store: Store): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(routes.list, async (c) => c.json({ runs: await listRuns(store, c.get('project'), c.req.valid('query')) }, 200));
  app.openapi(routes.get, async (c) => {
    const { id } = c.req.valid('param');
    const run = await getRun(store, c.get('project'), id, c.req.valid('query'));
    if (!run) throw notFound(`run ${id} not found`);
    return c.json(run, 200);
  });
  app.openapi(routes.compare, async (c) => c.json(await compareRuns(store, c.get('project'), c.req.valid('query')), 200));
  return app;
}
