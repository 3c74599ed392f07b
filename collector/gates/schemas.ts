/**
 * The gate's request and result schemas: the route validates with them,
 * /openapi.json is generated from them and the TypeScript types come from
 * them, so the three cannot drift apart.
 */
import { z } from '@hono/zod-openapi';
import { TraceFilterSchema } from '../sql/filters.js';

const name = z.string().min(1).max(512);

export const BUILTIN_METRICS = [
  'score_mean',
  'pass_rate',
  'success_rate',
  'cost_per_success',
  'cost_per_task',
  'latency_ms_p95',
  'error_rate',
] as const;
export type BuiltinMetric = (typeof BUILTIN_METRICS)[number];

/** One side of the comparison: the configuration whose traces (and judge scores) are the evidence. */
export const GateSideSchema = TraceFilterSchema.extend({
  judge: name.optional().openapi({ description: 'judge name whose scores count for score_mean / pass_rate / custom metrics' }),
  judge_version: name.optional().openapi({ description: 'judge version whose scores count' }),
})
  .strict()
  .openapi('GateSide', { example: { dataset: 'support-qa', dataset_version: '2026-10', model: 'gpt-4o-mini', prompt: 'answer', prompt_version: 'v1', judge: 'helpfulness-judge', judge_version: 'j1' } });
export type GateSide = z.infer<typeof GateSideSchema>;

export const MarginSchema = z
  .object({
    absolute: z.number().nonnegative().optional().openapi({ description: 'allowed worsening in the metric’s unit' }),
    relative: z.number().nonnegative().optional().openapi({ description: 'allowed worsening as a fraction of the baseline value (0.1 = 10%)' }),
  })
  .strict()
  .refine((m) => m.absolute === undefined || m.relative === undefined, { message: 'give either absolute or relative, not both' });
export type Margin = z.infer<typeof MarginSchema>;

export const RuleSchema = z
  .object({
    metric: name.openapi({
      description: `${BUILTIN_METRICS.join(', ')}, or the name of an evaluation (its mean score)`,
      example: 'score_mean',
    }),
    direction: z.enum(['higher_is_better', 'lower_is_better']),
    margin: MarginSchema.optional().openapi({ description: 'how much worse than the baseline is still acceptable; none means 0' }),
    severity: z.enum(['block', 'warn']),
    evaluation: name.optional().openapi({ description: 'evaluation name for score_mean / pass_rate when the traces carry several' }),
  })
  .strict();
export type Rule = z.infer<typeof RuleSchema>;

export const GateRequestSchema = z
  .object({
    baseline: GateSideSchema,
    candidate: GateSideSchema,
    rules: z.array(RuleSchema).min(1).max(50),
    min_n: z.number().int().min(1).max(1_000_000).optional().openapi({ description: 'fewest examples (pairs, or traces per side when unpaired) a check needs; default 30' }),
  })
  .strict()
  .openapi('GateRequest');
export type GateRequest = z.infer<typeof GateRequestSchema>;

export const DEFAULT_MIN_N = 30;

const num = z.number().nullable();
const ci = z.tuple([z.number(), z.number()]).nullable().openapi({ description: '95% confidence interval of candidate − baseline' });

const RegressionSample = z.object({
  dataset: z.string(),
  dataset_version: z.string(),
  example_id: z.string(),
  baseline: num,
  candidate: num,
  baseline_trace_ids: z.array(z.string()),
  candidate_trace_ids: z.array(z.string()),
});
export type RegressionSample = z.infer<typeof RegressionSample>;

export const OUTCOMES = ['pass', 'inconclusive', 'fail'] as const;
export type Outcome = (typeof OUTCOMES)[number];

const Check = z.object({
  metric: z.string(),
  evaluation: z.string().nullable(),
  judge: z.object({ baseline: z.string().nullable(), candidate: z.string().nullable() }).openapi({ description: 'judge@version whose scores were read on each side' }),
  direction: z.enum(['higher_is_better', 'lower_is_better']),
  severity: z.enum(['block', 'warn']),
  n: z.number().openapi({ description: 'paired examples, or without pairing the smaller side’s traces' }),
  n_baseline: z.number(),
  n_candidate: z.number(),
  sufficient: z.boolean().openapi({ description: 'n ≥ min_n' }),
  baseline: num,
  candidate: num,
  delta: num.openapi({ description: 'candidate − baseline' }),
  ci95: ci,
  ci_note: z.string().nullable().openapi({ description: 'why ci95 is null or to be read with care: zero variance (the change is exact), or fewer items than the method needs' }),
  margin: z.object({ absolute: num, relative: num, allowed_worsening: num }),
  outcome: z.enum(OUTCOMES),
  reason: z.string(),
  method: z.string(),
  regressions: z.array(RegressionSample).openapi({ description: 'the worst examples (or traces) behind a check that did not pass' }),
});
export type Check = z.infer<typeof Check>;

const SideCounts = z.object({ traces: z.number(), examples: z.number(), traces_without_example_id: z.number() });

export const DECISIONS = ['promote', 'warn', 'block'] as const;
export type Decision = (typeof DECISIONS)[number];

export const GateResultSchema = z
  .object({
    decision_id: z.string(),
    created_at: z.string(),
    decision: z.enum(DECISIONS),
    reasons: z.array(z.string()),
    next_action: z.string(),
    min_n: z.number(),
    pairing: z.object({
      paired: z.boolean(),
      n_shared_examples: z.number(),
      baseline_only: z.number(),
      candidate_only: z.number(),
      description: z.string(),
    }),
    counts: z.object({ baseline: SideCounts, candidate: SideCounts }),
    checks: z.array(Check),
  })
  .openapi('GateResult');
export type GateResult = z.infer<typeof GateResultSchema>;

export const DecisionRecordSchema = z
  .object({
    id: z.string(),
    created_at: z.string(),
    decision: z.enum(DECISIONS),
    inputs: z.record(z.string(), z.unknown()).openapi({ description: 'the gate request as it was sent' }),
    result: GateResultSchema,
  })
  .openapi('GateDecisionRecord');
export type DecisionRecord = z.infer<typeof DecisionRecordSchema>;

export const DecisionListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    decision: z.enum(DECISIONS).optional(),
  })
  .strict();

export const DecisionListSchema = z
  .object({
    decisions: z.array(
      z.object({
        id: z.string(),
        created_at: z.string(),
        decision: z.enum(DECISIONS),
        baseline: z.record(z.string(), z.unknown()).openapi({ description: 'the baseline side as it was sent' }),
        candidate: z.record(z.string(), z.unknown()),
        checks: z.array(z.object({ metric: z.string(), evaluation: z.string().nullable(), severity: z.enum(['block', 'warn']), outcome: z.enum(OUTCOMES) })),
        next_action: z.string(),
      }),
    ),
  })
  .openapi('GateDecisionList');
export type DecisionList = z.infer<typeof DecisionListSchema>;
