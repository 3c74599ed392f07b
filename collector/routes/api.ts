import { Hono } from 'hono';
import type { AppEnv } from '../auth.js';
import { notFound } from '../errors.js';
import { JudgeFilterSchema, TraceFilterSchema } from '../query/filters.js';
import { getTrace, ListingSchema, listTraces } from '../query/traces.js';
import { triples } from '../query/triples.js';
import type { Store } from '../store/types.js';
import { parseQuery } from './validate.js';

const TriplesQuery = TraceFilterSchema.extend(JudgeFilterSchema.shape).strict();
const ListingQuery = TraceFilterSchema.extend(ListingSchema.shape).strict();

export function apiRoutes(store: Store): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/api/triples', async (c) => {
    const f = parseQuery(TriplesQuery, c);
    return c.json({ triples: await triples(store, c.get('project'), f) });
  });

  app.get('/api/traces', async (c) => {
    const q = parseQuery(ListingQuery, c);
    return c.json(await listTraces(store, c.get('project'), q, q));
  });

  app.get('/api/traces/:traceId', async (c) => {
    const id = c.req.param('traceId').toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(id)) throw notFound(`trace ids are 32 hex digits; "${id.slice(0, 40)}" is not one`);
    const trace = await getTrace(store, c.get('project'), id);
    if (!trace) throw notFound(`trace ${id} not found`);
    return c.json(trace);
  });

  return app;
}
