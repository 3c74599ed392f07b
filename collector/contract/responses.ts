/**
 * Response schemas of the query API: what the endpoints return, as zod
 * schemas (for /openapi.json and the routes' typed answers) and as the types
 * the read models build, inferred from them once. A leaf: it imports zod
 * alone, so read models, the CLI and the demo can use the types without
 * reaching up into the routes.
 */
import { z } from '@hono/zod-openapi';
import type { TracePage } from '@evaltrace/semantic-conventions';

export const ci = z.tuple([z.number(), z.number()]).nullable().openapi({ description: '95% confidence interval [low, high]' });
export const num = z.number().nullable();

export const ErrorResponse = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .openapi('Error', { example: { error: { code: 'invalid_request', message: 'unknown query parameter datset' } } });

const TripleKey = {
  dataset: z.string(),
  dataset_version: z.string(),
  model: z.string(),
  prompt: z.string(),
  prompt_version: z.string(),
};

export const GroupStats = {
  n_traces: z.number(),
  n_success: z.number(),
  n_errors: z.number(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  cost_usd: num,
  cost_per_task: num,
  cost_per_success: num,
  unpriced_traces: z.number(),
  latency_ms_p50: num,
  latency_ms_p95: num,
  first_seen: z.string(),
  last_seen: z.string(),
};

const lowN = z.boolean().openapi({ description: 'fewer items than the method needs (EVALTRACE_MIN_N_T, default 10; EVALTRACE_MIN_N_BOOTSTRAP, default 20): read the interval as a rough guide' });
const ciNote = z
  .string()
  .nullable()
  .openapi({ description: 'why the interval is null, flagged or clipped: fewer than 2 items, zero variance, low n, clipped to [0, 1]; null when nothing needs saying' });

export const JudgeScore = z.object({
  judge: z.string(),
  judge_version: z.string(),
  evaluation: z.string(),
  n_scored: z.number(),
  score_mean: num,
  score_ci95: ci,
  low_n: lowN,
  ci_note: ciNote,
  n_labeled: z.number(),
  pass_rate: num,
  cost_per_pass: num,
});

export type JudgeScore = z.infer<typeof JudgeScore>;

const Triple = z.object({ ...TripleKey, ...GroupStats, judges: z.array(JudgeScore) });
export type Triple = z.infer<typeof Triple>;

export const TriplesResponse = z.object({ triples: z.array(Triple) }).openapi('Triples');

const TraceSummary = {
  trace_id: z.string(),
  span_id: z.string().nullable(),
  dataset: z.string(),
  dataset_version: z.string(),
  example_id: z.string(),
  prompt: z.string(),
  prompt_version: z.string(),
  model: z.string(),
  run_id: z.string(),
  success: z.boolean().nullable(),
  latency_ms: num,
  input_tokens: z.number(),
  output_tokens: z.number(),
  cost_usd: num,
  start_time: z.string(),
};

export const TraceListResponse = z
  .object({
    traces: z.array(z.object({ ...TraceSummary, input: z.string().nullable(), output: z.string().nullable() })),
    next_cursor: z.string().nullable(),
  })
  .openapi('TraceList') satisfies z.ZodType<TracePage>;

export const TraceResponse = z
  .object({
    ...TraceSummary,
    is_task: z.boolean(),
    spans: z.array(
      z
        .object({
          request_params: z
            .record(z.string(), z.union([z.number(), z.array(z.string())]))
            .openapi({
              description:
                'the request parameters, canonical: temperature, top_p, top_k, max_tokens, seed, frequency_penalty, presence_penalty (numbers), stop_sequences, tool_names (sorted strings); absent ones left out',
              example: { max_tokens: 256, temperature: 0.2, tool_names: ['lookup'] },
            }),
          config_hash: z
            .string()
            .openapi({ description: "the configuration's identity for LLM spans: sha256 of canonical JSON { model, params }, 16 hex digits; '' otherwise" }),
        })
        .catchall(z.unknown()),
    ),
    evaluations: z.array(z.record(z.string(), z.unknown())),
  })
  .openapi('Trace');

const PromptQuality = z.object({
  judge: z.string(),
  judge_version: z.string(),
  evaluation: z.string(),
  n_scored: z.number(),
  mean: num,
  ci95: ci,
  low_n: lowN,
  ci_note: ciNote,
  n_labeled: z.number(),
  pass_rate: num,
  pass_rate_ci95: ci.openapi({ description: 'Wilson score interval' }),
  cost_per_pass: num,
});

/** One prompt version × model × dataset version of a prompt report. */
const PromptVersionRow = z.object({
  dataset: z.string(),
  dataset_version: z.string(),
  model: z.string(),
  prompt_version: z.string(),
  ...GroupStats,
  success_rate: z.number(),
  quality: z.array(PromptQuality),
});

export const PromptsResponse = z.object({ prompt: z.string(), versions: z.array(PromptVersionRow) }).openapi('PromptReport');
export type PromptReport = z.infer<typeof PromptsResponse>;

const PairedMeansShape = {
  n_pairs: z.number(),
  mean_a: num,
  mean_b: num,
  mean_delta: num.openapi({ description: 'mean of per-example differences b − a' }),
  ci95: ci,
  p_value: num.openapi({ description: 'paired t test, two-sided; null with the note when every difference is the same' }),
  low_n: lowN,
  note: ciNote,
  better: z.enum(['higher', 'lower']).openapi({ description: 'which way the metric improves; wins and losses follow it' }),
  wins: z.number().openapi({ description: 'pairs where b is better than a' }),
  losses: z.number(),
  ties: z.number(),
};
export const PairedMeans = z.object(PairedMeansShape);

const Confusion = z.object({ pass_pass: z.number(), pass_fail: z.number(), fail_pass: z.number(), fail_fail: z.number() });

export const PairedPassRate = z.object({
  n_pairs: z.number(),
  rate_a: num,
  rate_b: num,
  delta: num,
  ci95: ci,
  p_value: num.openapi({ description: 'McNemar exact test' }),
  low_n: lowN,
  note: ciNote,
  wins: z.number(),
  losses: z.number(),
  ties: z.number(),
  confusion: Confusion,
  method: z.string(),
});

export const PairedCostPer = z.object({
  n_pairs: z.number(),
  a: num,
  b: num,
  delta: num,
  delta_ci95: ci,
  ratio: num,
  ratio_ci95: ci,
  low_n: lowN,
  note: ciNote,
  iterations: z.number(),
  valid_iterations: z.number(),
  method: z.string(),
});

export const ScoreChoice = z.object({ judge: z.string(), judge_version: z.string(), evaluation: z.string() });

/** Two sides compared on paired examples (query/paired-examples.ts): per model for prompts, whole runs for runs. */
export const PairedComparisonShape = {
  n_traces_a: z.number(),
  n_traces_b: z.number(),
  n_examples_a: z.number(),
  n_examples_b: z.number(),
  unpaired: z.object({ a_only: z.number(), b_only: z.number(), no_example_id_a: z.number(), no_example_id_b: z.number() }),
  n_scored_pairs: z.number(),
  ...PairedMeansShape,
  pass_rate: PairedPassRate.nullable(),
  cost_per_task: PairedMeans.extend({ ratio: num }).nullable(),
  cost_per_success: PairedCostPer.nullable(),
  cost_per_pass: PairedCostPer.nullable(),
  input_tokens: PairedMeans,
  output_tokens: PairedMeans,
  latency_ms: PairedMeans,
};

export const ComparePromptsResponse = z
  .object({
    prompt: z.string(),
    a: z.string(),
    b: z.string(),
    score: ScoreChoice.nullable(),
    pairing: z.string(),
    models: z.array(
      z.object({ model: z.string(), ...PairedComparisonShape }),
    ),
  })
  .openapi('PromptComparison');

export const AlignmentResponse = z
  .object({
    judge: z.string(),
    evaluation: z.string(),
    reference: z.string(),
    reference_version: z.string(),
    reference_evaluation: z.string(),
    reference_versions: z.array(z.string()).openapi({ description: 'the reference’s versions on that evaluation (annotators, for human)' }),
    min_labels: z.number(),
    versions: z.array(
      z.object({
        version: z.string(),
        n_labeled: z.number(),
        ranked: z.boolean(),
        reason: z.string().nullable().openapi({ description: 'why the numbers are null: too few labels, or an undefined kappa' }),
        agreement: num,
        cohen_kappa: num,
        precision: num.openapi({ description: 'of the traces this version passed, the share the reference passed' }),
        recall: num.openapi({ description: 'of the traces the reference passed, the share this version passed' }),
        f1: num,
        n_scored: z.number(),
        mean_delta: num.openapi({ description: 'mean of this version’s score − the reference’s' }),
        ci95: ci,
        confusion: Confusion,
      }),
    ),
    best: z.string().nullable(),
    best_reason: z.string(),
  })
  .openapi('JudgeAlignment');
export type JudgeAlignment = z.infer<typeof AlignmentResponse>;
export type VersionAlignment = JudgeAlignment['versions'][number];

export const CompareJudgesResponse = z
  .object({
    judge: z.string(),
    reference: z.string().openapi({ description: 'side a’s judge (= judge unless a reference was named)' }),
    a: z.string(),
    b: z.string(),
    evaluation: z.string().nullable(),
    reference_evaluation: z.string().nullable().openapi({ description: 'side a’s evaluation name' }),
    n: z.number().openapi({ description: 'traces scored by both versions' }),
    n_labeled: z.number().openapi({ description: 'traces with a pass/fail label from both versions (agreement and kappa are over these)' }),
    agreement: num,
    cohen_kappa: num,
    expected_agreement: num,
    kappa_reason: z.string().nullable(),
    n_scored: z.number().openapi({ description: 'traces with a numeric score from both versions (pearson and the deltas are over these)' }),
    mean_a: num,
    mean_b: num,
    pearson: num,
    pearson_reason: z.string().nullable(),
    mean_delta: num,
    ci95: ci,
    p_value: num,
    low_n: lowN,
    ci_note: ciNote,
    confusion: Confusion,
    n_disagreements: z.number(),
    disagreements: z.array(
      z.object({
        trace_id: z.string(),
        example_id: z.string(),
        ...TripleKey,
        label_a: z.string(),
        label_b: z.string(),
        passed_a: z.boolean(),
        passed_b: z.boolean(),
        score_a: num,
        score_b: num,
        explanation_a: z.string(),
        explanation_b: z.string(),
      }),
    ),
    next_cursor: z.string().nullable(),
    by_triple: z.array(
      z.object({
        ...TripleKey,
        n: z.number(),
        n_labeled: z.number(),
        pass_rate_a: num,
        pass_rate_b: num,
        n_scored: z.number(),
        mean_a: num,
        mean_b: num,
      }),
    ),
    conclusions: z.array(
      z.object({
        dataset: z.string(),
        dataset_version: z.string(),
        model: z.string(),
        prompt: z.string(),
        prompt_versions: z.array(z.string()),
        best_a: z.string().nullable(),
        best_b: z.string().nullable(),
        changed: z.boolean(),
        basis: z.enum(['pass_rate', 'mean_score']),
      }),
    ),
    alignment: z
      .object({ precision: num, recall: num, f1: num })
      .nullable()
      .openapi({ description: 'b’s pass against a’s as the truth: precision (of b’s passes, a passed too), recall (of a’s passes, b passed too), F1' }),
    alignment_reason: z.string().nullable(),
  })
  .openapi('JudgeComparison');
export type JudgeComparison = z.infer<typeof CompareJudgesResponse>;
export type Disagreement = JudgeComparison['disagreements'][number];
/** How well b's pass/fail matches a's, taking a as the truth. */
export type Alignment = NonNullable<JudgeComparison['alignment']>;
