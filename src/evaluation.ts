import { ROOT_CONTEXT, type Attributes, type Context, type Span, type SpanContext, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { ATTR } from '@evaltrace/semantic-conventions';
import { contextWithVersions, versionAttributes } from './context.js';
import { type RecordedJudge, judgeReader } from './input.js';
import { tracer } from './tracer.js';
import { callError } from './wrap/span.js';

export interface Judge {
  name: string;
  version: string;
  /** The judge's model, recorded as `gen_ai.request.model` of the evaluation. */
  model?: string;
}

/** A judge's verdict on one target. Give a score, a label, or both. */
export interface EvaluationResult {
  score?: number;
  /** `pass`, `true` and `correct` count as a pass. */
  label?: string;
  explanation?: string;
  /** What is evaluated (`gen_ai.evaluation.name`). Default "quality". */
  name?: string;
}

export interface EvaluationInput extends EvaluationResult {
  /** The evaluated span: a SpanContext (e.g. `t.spanContext()`) or the ids of a stored trace's root span. */
  target: SpanContext | { traceId: string; spanId: string };
  /** A {@link Judge}, or the judge's name with its version in `judgeVersion`. */
  judge: Judge | string;
  /** The version of a `judge` given by name. */
  judgeVersion?: string;
}

const DEFAULT_EVALUATION_NAME = 'quality';

const readJudge = judgeReader('recordEvaluation()', ['target', 'score', 'label', 'explanation', 'name']);

/**
 * Emits one evaluation span: a new root trace whose first link is the target
 * span, so judges can re-run later on fixed, stored traces. Returns the
 * evaluation span's context. A verdict or target it cannot record is a
 * TypeError; a malformed judge is not: the verdict is recorded with what can
 * be kept of the judge, and a warning.
 */
export function recordEvaluation(input: EvaluationInput): SpanContext {
  validate(input);
  const pending = startEvaluation(input.target, readJudge(input));
  pending.finish(input);
  return pending.span.spanContext();
}

export interface PendingEvaluation {
  readonly span: Span;
  /** Where the judge's own work runs: judge LLM calls there carry the judge's name and version. */
  readonly context: Context;
  finish(result: EvaluationResult): void;
  fail(err: unknown): void;
}

/** Opens the evaluation span before the verdict exists, so a judge's LLM calls nest under it. */
export function startEvaluation(target: EvaluationInput['target'], judge: RecordedJudge | undefined): PendingEvaluation {
  const link = targetContext(target);
  // A fresh scope: the evaluation belongs to the judge, not to any task that happens to be active.
  const versions = judge ? { judge: { name: judge.name, version: judge.version } } : {};
  const scoped = contextWithVersions(ROOT_CONTEXT, versions);
  const attributes = versionAttributes(versions);
  if (judge?.model !== undefined) attributes[ATTR.requestModel] = judge.model;
  const span = tracer().startSpan(judge ? `evaluate ${judge.name}` : 'evaluate', { root: true, links: [{ context: link }], attributes }, scoped);
  let ended = false;
  const pending: PendingEvaluation = {
    span,
    context: trace.setSpan(scoped, span),
    finish(result) {
      if (ended) return;
      try {
        validate(result);
      } catch (err) {
        pending.fail(err);
        throw err;
      }
      const a: Attributes = { [ATTR.evaluationName]: result.name ?? DEFAULT_EVALUATION_NAME };
      if (result.score !== undefined) a[ATTR.evaluationScore] = result.score;
      if (result.label !== undefined) a[ATTR.evaluationLabel] = result.label;
      if (result.explanation !== undefined) a[ATTR.evaluationExplanation] = result.explanation;
      span.setAttributes(a);
      ended = true;
      span.end();
    },
    fail(err) {
      if (ended) return;
      ended = true;
      const e = callError(err);
      span.recordException(err instanceof Error ? err : String(err));
      span.setAttribute(ATTR.errorType, e.type);
      span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
      span.end();
    },
  };
  return pending;
}

function validate(r: EvaluationResult): void {
  if (r.score === undefined && r.label === undefined) throw new TypeError('evaluation: give a score, a label, or both');
  if (r.score !== undefined && !Number.isFinite(r.score)) throw new TypeError(`evaluation: score must be a finite number, got ${r.score}`);
}

function targetContext(target: EvaluationInput['target']): SpanContext {
  const traceId = typeof target?.traceId === 'string' ? target.traceId.toLowerCase() : target?.traceId;
  const spanId = typeof target?.spanId === 'string' ? target.spanId.toLowerCase() : target?.spanId;
  if (typeof traceId !== 'string' || !/^[0-9a-f]{32}$/.test(traceId) || /^0+$/.test(traceId)) {
    throw new TypeError(`evaluation: target.traceId must be 32 hex digits, got ${JSON.stringify(traceId)}`);
  }
  if (typeof spanId !== 'string' || !/^[0-9a-f]{16}$/.test(spanId) || /^0+$/.test(spanId)) {
    throw new TypeError(`evaluation: target.spanId must be 16 hex digits, got ${JSON.stringify(spanId)}`);
  }
  const flags = 'traceFlags' in target ? target.traceFlags : TraceFlags.SAMPLED;
  return { traceId, spanId, traceFlags: flags, isRemote: true };
}
