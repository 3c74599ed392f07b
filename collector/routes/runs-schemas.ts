/** Request schemas of the runs API (GET /api/runs, /api/runs/{id}, /api/compare/runs); the responses are in contract/runs.ts. */
import { z } from '@hono/zod-openapi';
import { JudgeFilterSchema, TraceFilterSchema } from '../sql/filters.js';

const name = z.string().min(1).max(512);
const runId = name.openapi({ description: 'a run: the run id less a trailing /<repeat> (runExperiment tags repeat r of run R as R/r)', example: 'nightly-2026-12-06' });

export const RunsQuery = TraceFilterSchema.extend(JudgeFilterSchema.shape)
  .extend({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

export const RunParams = z.object({ id: runId.openapi({ param: { name: 'id', in: 'path' } }) });
export const RunQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0) })
  .strict();

export const CompareRunsQuery = JudgeFilterSchema.extend({
  a: runId.openapi({ description: 'baseline run' }),
  b: runId.openapi({ description: 'candidate run' }),
  items: z.coerce.number().int().min(0).max(1000).default(50).openapi({ description: 'items to list, most worsened first' }),
})
  .strict()
  .refine((q) => q.a !== q.b, { message: 'a and b must name two different runs', path: ['b'] });
