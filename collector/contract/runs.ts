/** Response schemas of the runs API (GET /api/runs, /api/runs/{id}, /api/compare/runs) and the types the read models return, inferred from them. */
import { z } from '@hono/zod-openapi';
import { GroupStats, JudgeScore, num, PairedComparisonShape, PairedPassRate, ScoreChoice } from './responses.js';

const Coverage = z
  .object({
    dataset: z.string(),
    version: z.string(),
    content_hash: z.string(),
    items_in_version: z.number(),
    items_run: z.number().openapi({ description: 'items of the version the run ran (by example id)' }),
    fraction: z.number().openapi({ description: 'items_run / items_in_version' }),
    n_missing: z.number(),
    missing_ids: z.array(z.string()),
    n_unknown: z.number().openapi({ description: 'example ids the run ran that the version does not have' }),
    unknown_ids: z.array(z.string()),
    inputs_checked: z.number().openapi({ description: 'items whose captured input could be compared (capture on, not cut short)' }),
    n_inputs_differ: z.number(),
    inputs_differ_ids: z.array(z.string()),
    complete: z.boolean().openapi({ description: 'true when the run ran exactly the version’s items with their inputs' }),
  })
  .openapi({ description: 'frozen-set check against the stored dataset version the run names (ids listed: first 20)' });
export type Coverage = z.infer<typeof Coverage>;
/** null when the version the run names is not stored on this collector. */
const CoverageOrNull = Coverage.nullable();

/** A configuration the run's LLM calls used: the model with its request parameters and their hash. */
const RunConfig = z.object({ config_hash: z.string(), model: z.string(), params: z.record(z.string(), z.unknown()), n_traces: z.number() });
export type RunConfig = z.infer<typeof RunConfig>;

const RunSummaryShape = {
  run_id: z.string(),
  run_ids: z.array(z.string()).openapi({ description: 'the run ids of its repeats, sorted' }),
  dataset: z.string(),
  dataset_version: z.string(),
  model: z.string(),
  prompt: z.string(),
  prompt_version: z.string(),
  mixed: z.array(z.string()).openapi({ description: 'which of dataset, dataset_version, model, prompt, prompt_version differ between the run’s traces (the field then shows the least)' }),
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
export type RunSummary = z.infer<typeof RunSummary>;

export const RunsResponse = z.object({ runs: z.array(RunSummary) }).openapi('RunList');

export const RunResponse = z
  .object({
    ...RunSummaryShape,
    coverage: CoverageOrNull,
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
export type RunDetail = z.infer<typeof RunResponse>;
/** One dataset item as a run ran it: repeats pooled, with each judge version's mean score and pass rate. */
export type RunItem = RunDetail['items'][number];

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
    coverage: z.object({ a: CoverageOrNull, b: CoverageOrNull }),
    ...PairedComparisonShape,
    success: PairedPassRate.nullable(),
    n_items: z.number(),
    items: z.array(
      z.object({
        example_id: z.string(),
        metric: z.enum(['score', 'pass_rate', 'success_rate']).openapi({ description: 'what the delta is of: the chosen score, else pass rate, else success rate' }),
        delta: z.number().openapi({ description: 'b − a: negative means run b did worse on this item' }),
        a: ItemSide,
        b: ItemSide,
      }),
    ),
  })
  .openapi('RunComparison');
export type RunComparison = z.infer<typeof CompareRunsResponse>;
export type RunItemComparison = RunComparison['items'][number];
