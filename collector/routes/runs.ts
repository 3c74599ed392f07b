import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi';
import type { AppEnv } from '../auth.js';
import { notFound } from '../errors.js';
import { compareRuns } from '../query/compare-runs.js';
import { getRun, listRuns } from '../query/runs.js';
import type { Store } from '../store/types.js';
import { ErrorResponse } from './api-schemas.js';
import { validationHook } from './openapi.js';
import { CompareRunsQuery, CompareRunsResponse, RunParams, RunQuery, RunResponse, RunsQuery, RunsResponse } from './runs-schemas.js';

const error = (description: string) => ({ description, content: { 'application/json': { schema: ErrorResponse } } });
const ERRORS = {
  400: error('a bad or unknown query parameter, named in the message'),
  401: error('missing or invalid API key (when EVALTRACE_API_KEYS is set)'),
  503: error('the store could not answer; retry later'),
};
const json = <S extends z.ZodType>(description: string, schema: S) => ({ description, content: { 'application/json': { schema } } });
const security = [{ bearer: [] }];

const routes = {
  list: createRoute({
    method: 'get',
    path: '/api/runs',
    summary: 'Experiment runs newest first: dataset, prompt, model, configurations, envelope, counts, success, cost per success and scores with CIs',
    security,
    request: { query: RunsQuery },
    responses: { 200: json('the runs', RunsResponse), ...ERRORS },
  }),
  get: createRoute({
    method: 'get',
    path: '/api/runs/{id}',
    summary: 'One run with its envelope and its items (repeats pooled per item)',
    security,
    request: { params: RunParams, query: RunQuery },
    responses: { 200: json('the run', RunResponse), 404: error('no such run in the project'), ...ERRORS },
  }),
  compare: createRoute({
    method: 'get',
    path: '/api/compare/runs',
    summary: 'Two runs paired by dataset item: quality, pass rate, success, cost per success and latency deltas with CIs, worst items first',
    security,
    request: { query: CompareRunsQuery },
    responses: {
      200: json('the comparison', CompareRunsResponse),
      404: error('a run not found'),
      409: error('the runs ran on different dataset versions, whose items cannot be paired'),
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
