/** Request and response schemas of the runs API (GET /api/runs, /api/runs/{id}, /api/compare/runs). */
import { z } from '@hono/zod-openapi';
import { JudgeFilterSchema, TraceFilterSchema } from '../sql/filters.js';
import { GroupStats, JudgeScore, num, PairedComparisonShape, PairedPassRate, ScoreChoice } from '../contract/responses.js';

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

const Coverage = z
  .object({
    dataset: z.string(),
    version: z.string(),
    content_hash: z.string(),
    items_in_version: z.number(),
    items_run: z.number(),
    fraction: z.number(),
    n_missing: z.number(),
    missing_ids: z.array(z.string()),
    n_unknown: z.number(),
    unknown_ids: z.array(z.string()),
    inputs_checked: z.number(),
    n_inputs_differ: z.number(),
    inputs_differ_ids: z.array(z.string()),
    complete: z.boolean(),
  })
  .nullable()
  .openapi({ description: 'frozen-set check against the stored dataset version the run names; null when that version is not stored here (ids listed: first 20)' });

const RunConfig = z.object({ config_hash: z.string(), model: z.string(), params: z.record(z.string(), z.unknown()), n_traces: z.number() });

const RunSummaryShape = {
  run_id: z.string(),
  run_ids: z.array(z.string()),
  dataset: z.string(),
  dataset_version: z.string(),
  model: z.string(),
  prompt: z.string(),
  prompt_version: z.string(),
  mixed: z.array(z.string()).openapi({ description: 'key fields that differ between the run’s traces' }),
  n_examples: z.number(),
  no_example_id: z.number(),
  ...GroupStats,
  success_rate: z.number(),
  started: z.string(),
  finished: z.string(),
  judges: z.array(JudgeScore),
  configs: z.array(RunConfig),
  code_version: z.string().nullable(),
  seed: z.string().nullable(),
  env: z.record(z.string(), z.string()),
};
export const RunSummary = z.object(RunSummaryShape).openapi('RunSummary');

export const RunsResponse = z.object({ runs: z.array(RunSummary) }).openapi('RunList');

export const RunResponse = z
  .object({
    ...RunSummaryShape,
    coverage: Coverage,
    envelope: z.array(z.object({ key: z.string(), values: z.array(z.object({ value: z.string(), n_traces: z.number() })) })),
    n_traces_without_envelope: z.number(),
    n_items: z.number(),
    items: z.array(
      z.object({
        example_id: z.string(),
        n_traces: z.number(),
        n_success: z.number(),
        cost_usd: num,
        latency_ms: num,
        trace_ids: z.array(z.string()),
        scores: z.array(
          z.object({ judge: z.string(), judge_version: z.string(), evaluation: z.string(), n_scored: z.number(), score: num, n_labeled: z.number(), pass_rate: num }),
        ),
        input: z.string().nullable(),
        output: z.string().nullable(),
      }),
    ),
  })
  .openapi('Run');

const ItemSide = z.object({
  trace_id: z.string(),
  n_traces: z.number(),
  success_rate: z.number(),
  score: num,
  pass_rate: num,
  cost_per_task: num,
  latency_ms: num,
  input: z.string().nullable(),
  output: z.string().nullable(),
});

export const CompareRunsResponse = z
  .object({
    a: RunSummary,
    b: RunSummary,
    score: ScoreChoice.nullable(),
    pairing: z.string(),
    coverage: z.object({ a: Coverage, b: Coverage }),
    ...PairedComparisonShape,
    success: PairedPassRate.nullable(),
    n_items: z.number(),
    items: z.array(
      z.object({ example_id: z.string(), metric: z.enum(['score', 'pass_rate', 'success_rate']), delta: z.number(), a: ItemSide, b: ItemSide }),
    ),
  })
  .openapi('RunComparison');
