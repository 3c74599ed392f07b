/** Request and response schemas of the release registry (validation, /openapi.json and the TS types). */
import { z } from '@hono/zod-openapi';
import { LabelSchema } from '../prompts/names.js';

const text = z.string().trim().min(1).max(512);

export const STAGES = ['candidate', 'staging', 'production', 'archived'] as const;
export type Stage = (typeof STAGES)[number];

/** Why an event happened; rollback candidates skip releases that were rolled back. */
export const ACTIONS = ['register', 'promote', 'supersede', 'rollback', 'restore'] as const;
export type Action = (typeof ACTIONS)[number];

export const ReleaseNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'letters, digits, ".", "_" and "-", starting with a letter or digit, at most 128')
  .openapi({ example: 'support-bot' });

/**
 * The configuration a release ships: the model and prompt version, and the
 * dataset and judge versions that qualified it. The keys are the gate's and
 * the query API's filter names, so a release's traces are found by them.
 */
export const ReleaseConfigSchema = z
  .object({
    model: text,
    prompt: text,
    prompt_version: text,
    dataset: text.optional(),
    dataset_version: text.optional(),
    judge: text.optional(),
    judge_version: text.optional(),
    settings: z
      .record(z.string().max(128), z.union([z.string().max(4096), z.number(), z.boolean()]))
      .optional()
      .openapi({ description: 'other settings that make up the configuration (temperature, tools, …)' }),
  })
  .strict()
  .openapi('ReleaseConfig', {
    example: { model: 'gpt-4o-mini', prompt: 'answer', prompt_version: 'v2', dataset: 'support-qa', dataset_version: '2026-10', judge: 'helpfulness-judge', judge_version: 'j1' },
  });
export type ReleaseConfig = z.infer<typeof ReleaseConfigSchema>;

export const CreateReleaseSchema = z
  .object({
    name: ReleaseNameSchema,
    config: ReleaseConfigSchema,
    created_by: text.openapi({ description: 'who registers it (recorded as the approver of the first event)', example: 'alice' }),
    reason: text.optional().openapi({ description: 'why; default "registered"' }),
  })
  .strict()
  .openapi('CreateRelease');

export const PromoteSchema = z
  .object({
    approver: text.openapi({ example: 'alice' }),
    reason: text.openapi({ example: 'gate passed on support-qa 2026-10' }),
    gate_decision_id: z.uuid().optional().openapi({ description: 'a gate decision that said promote for this configuration' }),
    override: z.boolean().optional().openapi({ description: 'promote without a promote decision; approver and reason are recorded with override = true' }),
    prompt_label: z
      .union([LabelSchema, z.literal(false)])
      .optional()
      .openapi({
        description:
          "the registry label to move to the release's prompt version; default the stage reached (staging, production) when the prompt is in the registry; false moves none",
      }),
  })
  .strict()
  .openapi('PromoteRelease');
export type PromoteRequest = z.infer<typeof PromoteSchema>;

export const RollbackSchema = z
  .object({ approver: text.openapi({ example: 'alice' }), reason: text.openapi({ example: 'error rate doubled in production' }) })
  .strict()
  .openapi('RollbackRelease');
export type RollbackRequest = z.infer<typeof RollbackSchema>;

export const ReleaseEventSchema = z.object({
  event_id: z.string(),
  action: z.enum(ACTIONS),
  from_stage: z.enum(STAGES).nullable(),
  to_stage: z.enum(STAGES),
  approver: z.string(),
  reason: z.string(),
  gate_decision_id: z.string().nullable(),
  override: z.boolean(),
  at: z.string(),
});
export type ReleaseEvent = z.infer<typeof ReleaseEventSchema>;

export const ReleaseSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    config: ReleaseConfigSchema,
    created_at: z.string(),
    created_by: z.string(),
    stage: z.enum(STAGES).openapi({ description: 'the to_stage of the latest event' }),
    history: z.array(ReleaseEventSchema).openapi({ description: 'every transition, oldest first; append-only' }),
  })
  .openapi('Release');
export type Release = z.infer<typeof ReleaseSchema>;

export const ReleaseListSchema = z.object({ releases: z.array(ReleaseSchema) }).openapi('ReleaseList');

const PromptLabelMoveSchema = z
  .object({ prompt: z.string(), label: z.string(), from: z.string().nullable(), to: z.string(), moved: z.boolean().openapi({ description: 'false when the label was already there' }) })
  .nullable()
  .openapi('PromptLabelMove', { description: "the registry label moved to the release's prompt version; null when the prompt is not in the registry or none was asked" });

export const TransitionResultSchema = z
  .object({
    release: ReleaseSchema,
    superseded: z.array(ReleaseSchema).openapi({ description: 'production releases of the same name archived by this promotion' }),
    prompt_label: PromptLabelMoveSchema,
  })
  .openapi('PromoteResult');

export const RollbackResultSchema = z
  .object({ rolled_back: ReleaseSchema, restored: ReleaseSchema, prompt_label: PromptLabelMoveSchema })
  .openapi('RollbackResult');

const ConsideredSchema = z.object({ release_id: z.string(), qualifies: z.boolean(), reason: z.string() });

export const RollbackCandidateSchema = z
  .object({
    name: z.string(),
    production: z.array(z.string()).openapi({ description: 'ids of the releases in production now' }),
    candidate: z
      .object({ release: ReleaseSchema, gate_decision_id: z.string(), n_traces: z.number(), left_production_at: z.string() })
      .nullable(),
    reason: z.string().openapi({ description: 'why the candidate qualifies, or why none does' }),
    considered: z.array(ConsideredSchema).openapi({ description: 'former production releases, most recent first' }),
  })
  .openapi('RollbackCandidate');
export type RollbackCandidate = z.infer<typeof RollbackCandidateSchema>;

const num = z.number().nullable();
const ci = z.tuple([z.number(), z.number()]).nullable();

export const CardSchema = z
  .object({
    release: ReleaseSchema,
    datasets: z
      .array(
        z.object({
          dataset: z.string(),
          dataset_version: z.string(),
          n_traces: z.number(),
          n_success: z.number(),
          n_errors: z.number(),
          cost_usd: num,
          cost_per_task: num,
          cost_per_success: num,
          latency_ms_p50: num,
          latency_ms_p95: num,
          first_seen: z.string(),
          last_seen: z.string(),
        }),
      )
      .openapi({ description: 'the evaluation datasets the configuration ran on, with cost per successful task and latency' }),
    quality: z
      .array(
        z.object({
          dataset: z.string(),
          dataset_version: z.string(),
          judge: z.string(),
          judge_version: z.string(),
          evaluation: z.string(),
          qualifying: z.boolean().openapi({ description: 'the judge version named in the release configuration' }),
          n_scored: z.number(),
          score_mean: num,
          score_ci95: ci,
          low_n: z.boolean(),
          ci_note: z.string().nullable(),
          n_labeled: z.number(),
          pass_rate: num,
        }),
      )
      .openapi({ description: 'quality per dataset version and judge version, with 95% CIs' }),
    gate_decisions: z.array(
      z.object({
        id: z.string(),
        created_at: z.string(),
        decision: z.enum(['promote', 'warn', 'block']),
        baseline: z.record(z.string(), z.unknown()),
        candidate: z.record(z.string(), z.unknown()),
        reasons: z.array(z.string()),
        checks: z.array(
          z.object({ metric: z.string(), severity: z.string(), outcome: z.string(), baseline: num, candidate: num, delta: num, ci95: ci, ci_note: z.string().nullable() }),
        ),
      }),
    ),
    envelope: z
      .array(z.object({ key: z.string(), values: z.array(z.object({ value: z.string(), n_traces: z.number() })) }))
      .openapi({ description: 'reproducibility envelope: evaltrace.code.version, evaltrace.env.*, evaltrace.seed of the release’s traces' }),
    n_traces_without_envelope: z.number(),
    known_regressions: z.array(
      z.object({
        decision_id: z.string(),
        metric: z.string(),
        evaluation: z.string().nullable(),
        severity: z.string(),
        outcome: z.string(),
        delta: num,
        ci95: ci,
        reason: z.string(),
        sample_trace_ids: z.array(z.string()),
      }),
    ),
    rollback_candidate: RollbackCandidateSchema,
  })
  .openapi('ReleaseCard');
export type Card = z.infer<typeof CardSchema>;

export const CardResponseSchema = CardSchema.extend({ markdown: z.string() }).openapi('ReleaseCardResponse');
