/**
 * Human labels: a person's score, label and comment on a trace, stored as an
 * evaluation from judge `human` whose version is the annotator, so labels
 * count like any judge's in triples, gates and comparisons (and two
 * annotators compare like two judge versions).
 */
import { createHash } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import { isPassLabel } from '@evaltrace/semantic-conventions';
import { notFound } from '../errors.js';
import type { IngestService } from '../ingest/service.js';
import { SCORE_KEY } from '../sql/traces.js';
import type { QueryParams, Store } from '../store/types.js';

export const HUMAN_JUDGE = 'human';

export const AnnotationSchema = z
  .object({
    trace_id: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex digits'),
    span_id: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 lowercase hex digits').optional().openapi({ description: "the labelled span; default: the trace's root" }),
    annotator: z.string().regex(/^[\w.@+-]{1,128}$/, 'must be 1–128 letters, digits or . _ @ + -').openapi({ example: 'alice' }),
    score: z.number().finite().optional(),
    label: z.string().min(1).max(128).optional().openapi({ description: 'pass / fail (or any label: pass, true, correct count as a pass)' }),
    comment: z.string().max(16_384).optional(),
    evaluation: z.string().min(1).max(128).default('quality').openapi({ description: 'what is judged, as gen_ai.evaluation.name' }),
    id: z.string().min(1).max(128).optional().openapi({ description: 'an idempotency key: the same id is stored once' }),
  })
  .strict()
  .refine((a) => a.score !== undefined || a.label !== undefined, { message: 'give a score, a label, or both', path: ['score'] })
  .openapi('Annotation');
export type Annotation = z.infer<typeof AnnotationSchema>;

export interface RecordedAnnotation {
  evaluation_id: string;
  trace_id: string;
  span_id: string;
  judge: string;
  judge_version: string;
  evaluation: string;
  score: number | null;
  label: string | null;
  passed: boolean | null;
  time: string;
}

/** Stores one annotation (after its commit, like any ingest); 404 when the project has no such trace or span. */
export async function recordAnnotation(store: Store, ingest: IngestService, project: string, a: Annotation): Promise<RecordedAnnotation> {
  const spans = await store.query<{ span_id: string; is_root: boolean }>(
    `SELECT span_id, is_root FROM spans WHERE project = {project:String} AND trace_id = {trace_id:String}
       AND (is_root OR span_id = {span_id:String}) LIMIT 1 BY span_id`,
    { project, trace_id: a.trace_id, span_id: a.span_id ?? '' },
  );
  const target = a.span_id === undefined ? spans.find((s) => s.is_root) : spans.find((s) => s.span_id === a.span_id);
  if (!target) throw notFound(a.span_id === undefined ? `trace ${a.trace_id} not found (or its root span has not arrived yet)` : `span ${a.span_id} of trace ${a.trace_id} not found`);
  const nowNs = (BigInt(Date.now()) * 1_000_000n).toString();
  // A new label by the same person replaces the old one (latest wins), so the id covers the content and time unless the caller gives one.
  const key = a.id ?? JSON.stringify([a.trace_id, target.span_id, a.annotator, a.evaluation, a.score, a.label, a.comment, nowNs]);
  const evaluationId = `human:${createHash('sha256').update(`${project}\u0000${key}`).digest('hex').slice(0, 40)}`;
  const label = a.label ?? '';
  const passed = label === '' ? null : isPassLabel(label);
  await ingest.commit([], [
    {
      project,
      evaluation_id: evaluationId,
      target_trace_id: a.trace_id,
      target_span_id: target.span_id,
      evaluation_trace_id: '',
      evaluation_span_id: '',
      name: a.evaluation,
      judge_name: HUMAN_JUDGE,
      judge_version: a.annotator,
      judge_model: '',
      score: a.score ?? null,
      label,
      passed,
      explanation: a.comment ?? '',
      source: 'annotation',
      time: nowNs,
    },
  ]);
  return {
    evaluation_id: evaluationId,
    trace_id: a.trace_id,
    span_id: target.span_id,
    judge: HUMAN_JUDGE,
    judge_version: a.annotator,
    evaluation: a.evaluation,
    score: a.score ?? null,
    label: a.label ?? null,
    passed,
    time: new Date(Number(BigInt(nowNs) / 1_000_000n)).toISOString(),
  };
}

/**
 * The labelling queue: task traces that `annotator` has not labelled yet for
 * `evaluation`, in trace-id order. A trace's latest result per judge key sits
 * in its scores (the rollup), so this is a condition on the listing, not a join.
 */
export function unlabelled(annotator: string, evaluation: string): { where: string; params: QueryParams } {
  return {
    where: `NOT has(arrayMap(x -> ${SCORE_KEY('x')}, scores), cityHash64({q_judge:String}, {q_annotator:String}, {q_evaluation:String}))`,
    params: { q_judge: HUMAN_JUDGE, q_annotator: annotator, q_evaluation: evaluation },
  };
}
