import { ALIASES, ATTR, costUsd, EVALUATION_EVENT, isPassLabel } from 'evaltrace/conventions';
import type { Limits } from '../limits.js';
import type { Attributes, OtlpSpanEnvelope } from '../otlp/model.js';
import { withPeerAttributes } from './peer-attributes.js';
import { requestParamColumns } from './request-params.js';
import type { EvaluationRow, SpanRow } from './rows.js';
import {
  amount,
  bool,
  count,
  finite,
  flatten,
  InvalidItem,
  spanId,
  text,
  timestamp,
  traceId,
  truncate,
} from './values.js';

export interface NormalizeContext {
  project: string;
  limits: Limits;
  /** Called once per truncated attribute value (or dropped attribute overflow). */
  onTruncate: () => void;
}

export interface NormalizedSpan {
  span: SpanRow;
  evaluations: EvaluationRow[];
}

const OPENINFERENCE_KIND = 'openinference.span.kind';
const LLM_KINDS = new Set(['LLM', 'EMBEDDING']);

/** Maps one OTLP span onto the contract (design.md); throws InvalidItem when it must be rejected. */
export function normalizeSpan(env: OtlpSpanEnvelope, ctx: NormalizeContext): NormalizedSpan {
  const { span, resource } = env;
  const a = withPeerAttributes(span.attributes);
  const tid = traceId(span.traceId);
  const sid = spanId(span.spanId);
  const parent = span.parentSpanId === '' || /^0+$/.test(span.parentSpanId) ? '' : spanId(span.parentSpanId, 'parent span id');
  const start = timestamp(span.startNs, 'start time');
  const end = timestamp(span.endNs, 'end time');
  if (end < start) throw new InvalidItem('end time is before start time');

  const model = text(a, ALIASES.model);
  const inputTokens = count(a, ALIASES.inputTokens, 'input tokens');
  const outputTokens = count(a, ALIASES.outputTokens, 'output tokens');
  const cacheReadTokens = count(a, ALIASES.cacheReadTokens, 'cache read tokens');
  const cacheWriteTokens = count(a, ALIASES.cacheWriteTokens, 'cache write tokens');
  const explicitCost = amount(a, ALIASES.costUsd, 'cost');
  const score = finite(a, ALIASES.evaluationScore, 'evaluation score');
  const label = text(a, ALIASES.evaluationLabel);
  const isEvaluation = score !== null || label !== '';
  const hasUsage = [...ALIASES.inputTokens, ...ALIASES.outputTokens].some((k) => a[k] !== undefined);
  const oiKind = typeof a[OPENINFERENCE_KIND] === 'string' ? (a[OPENINFERENCE_KIND] as string).toUpperCase() : '';
  const isLlm =
    !isEvaluation &&
    (explicitCost !== undefined ||
      (model !== '' && (hasUsage || a[ATTR.operationName] !== undefined || LLM_KINDS.has(oiKind))));

  let cost: number | null = null;
  let costSource: SpanRow['cost_source'] = '';
  if (explicitCost !== undefined) {
    cost = explicitCost;
    costSource = 'attribute';
  } else if (isLlm) {
    // No usage reported (e.g. a stream without include_usage): the cost is unknown, not zero.
    cost = hasUsage ? costUsd(model, { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens }) : null;
    costSource = cost === null ? 'unpriced' : 'price_table';
  }

  const { limits, onTruncate } = ctx;
  const row: SpanRow = {
    project: ctx.project,
    trace_id: tid,
    span_id: sid,
    parent_span_id: parent,
    name: truncate(span.name, 1024, onTruncate),
    kind: span.kind >= 0 && span.kind <= 5 ? span.kind : 0,
    start_time: start.toString(),
    end_time: end.toString(),
    duration_ns: (end - start).toString(),
    status_code: span.statusCode >= 0 && span.statusCode <= 2 ? span.statusCode : 0,
    status_message: truncate(span.statusMessage, limits.maxAttributeValueLength, onTruncate),
    service_name: text(resource, [ATTR.serviceName]),
    scope_name: env.scope.name,
    is_root: parent === '',
    is_llm: isLlm,
    is_evaluation: isEvaluation,
    model,
    provider: text(a, ALIASES.provider),
    operation: text(a, [ATTR.operationName]),
    dataset_name: text(a, ALIASES.datasetName),
    dataset_version: text(a, ALIASES.datasetVersion),
    example_id: text(a, ALIASES.exampleId),
    prompt_name: text(a, ALIASES.promptName),
    prompt_version: text(a, ALIASES.promptVersion),
    run_id: text(a, ALIASES.runId),
    judge_name: text(a, ALIASES.judgeName),
    judge_version: text(a, ALIASES.judgeVersion),
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    cache_read_tokens: cacheReadTokens,
    cache_write_tokens: cacheWriteTokens,
    cost_usd: cost,
    cost_source: costSource,
    success: bool(a, ALIASES.taskSuccess, 'task success'),
    ...requestParamColumns(a, model, isLlm),
    attributes: flatten(a, limits.maxAttributesPerSpan, limits.maxAttributeValueLength, onTruncate),
    resource_attributes: flatten(resource, limits.maxAttributesPerSpan, limits.maxAttributeValueLength, onTruncate),
    events: span.events.slice(0, 128).map((e) => ({
      time: /^\d{1,19}$/.test(e.timeNs) ? e.timeNs : start.toString(),
      name: truncate(e.name, 1024, onTruncate),
      attributes: flatten(e.attributes, limits.maxAttributesPerSpan, limits.maxAttributeValueLength, onTruncate),
    })),
    links: span.links.slice(0, 128).map((l) => ({
      trace_id: l.traceId,
      span_id: l.spanId,
      attributes: flatten(l.attributes, limits.maxAttributesPerSpan, limits.maxAttributeValueLength, onTruncate),
    })),
  };

  const evaluations: EvaluationRow[] = [];
  if (isEvaluation) evaluations.push(spanEvaluation(row, env, ctx));
  span.events.forEach((e, i) => {
    if (e.name !== EVALUATION_EVENT) return;
    evaluations.push(
      evaluationRow(ctx, e.attributes, {
        evaluation_id: `${tid}${sid}e${i}`,
        target_trace_id: tid,
        target_span_id: sid,
        evaluation_trace_id: tid,
        evaluation_span_id: sid,
        source: 'span_event',
        time: /^\d{1,19}$/.test(e.timeNs) ? e.timeNs : row.end_time,
      }),
    );
  });
  return { span: row, evaluations };
}

/** An evaluation span judges the span named by its first link, else its parent, else its own trace. */
function spanEvaluation(row: SpanRow, env: OtlpSpanEnvelope, ctx: NormalizeContext): EvaluationRow {
  const link = env.span.links[0];
  const target = link
    ? { trace: traceId(link.traceId, 'link trace id'), span: spanId(link.spanId, 'link span id') }
    : { trace: row.trace_id, span: row.parent_span_id };
  return evaluationRow(ctx, env.span.attributes, {
    evaluation_id: row.trace_id + row.span_id,
    target_trace_id: target.trace,
    target_span_id: target.span,
    evaluation_trace_id: row.trace_id,
    evaluation_span_id: row.span_id,
    source: 'span',
    time: row.end_time,
  });
}

type EvaluationIdentity = Pick<
  EvaluationRow,
  'evaluation_id' | 'target_trace_id' | 'target_span_id' | 'evaluation_trace_id' | 'evaluation_span_id' | 'source' | 'time'
>;

/** The judge-related fields shared by evaluation spans, span events and log events. */
export function evaluationRow(ctx: NormalizeContext, a: Attributes, id: EvaluationIdentity): EvaluationRow {
  const label = text(a, ALIASES.evaluationLabel);
  return {
    project: ctx.project,
    ...id,
    name: text(a, ALIASES.evaluationName),
    judge_name: text(a, ALIASES.judgeName),
    judge_version: text(a, ALIASES.judgeVersion),
    judge_model: text(a, ALIASES.model),
    score: finite(a, ALIASES.evaluationScore, 'evaluation score'),
    label,
    passed: label === '' ? null : isPassLabel(label),
    explanation: truncate(text(a, ALIASES.evaluationExplanation), ctx.limits.maxExplanationLength, ctx.onTruncate),
  };
}
