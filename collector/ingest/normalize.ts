import { ALIASES, ATTR, costUsd, EVALUATION_EVENT, isPassLabel } from '@evaltrace/semantic-conventions';
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
/** Any of these present means the span reports its usage (even as zero). */
const USAGE_KEYS: readonly string[] = [...ALIASES.inputTokens, ...ALIASES.outputTokens];

/** Maps one OTLP span onto the contract (design.md); throws InvalidItem when it must be rejected. */
export function normalizeSpan(env: OtlpSpanEnvelope, ctx: NormalizeContext): NormalizedSpan {
  const a = withPeerAttributes(env.span.attributes);
  const id = identity(env.span);
  const kind = classify(a);
  const row = spanRow(env, id, a, kind, price(kind), ctx);
  const evaluations = kind.isEvaluation ? [spanEvaluation(row, env, ctx)] : [];
  evaluations.push(...eventEvaluations(row, env, ctx));
  return { span: row, evaluations };
}

/** What a span is (an LLM call, an evaluation, or neither) and the usage it reports. */
interface Classification {
  model: string;
  usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number };
  hasUsage: boolean;
  explicitCost: number | undefined;
  isEvaluation: boolean;
  isLlm: boolean;
}

function classify(a: Attributes): Classification {
  const model = text(a, ALIASES.model);
  const usage = {
    inputTokens: count(a, ALIASES.inputTokens, 'input tokens'),
    outputTokens: count(a, ALIASES.outputTokens, 'output tokens'),
    cacheReadTokens: count(a, ALIASES.cacheReadTokens, 'cache read tokens'),
    cacheWriteTokens: count(a, ALIASES.cacheWriteTokens, 'cache write tokens'),
  };
  const explicitCost = amount(a, ALIASES.costUsd, 'cost');
  const isEvaluation = finite(a, ALIASES.evaluationScore, 'evaluation score') !== null || text(a, ALIASES.evaluationLabel) !== '';
  const hasUsage = USAGE_KEYS.some((k) => a[k] !== undefined);
  const oiKind = typeof a[OPENINFERENCE_KIND] === 'string' ? (a[OPENINFERENCE_KIND] as string).toUpperCase() : '';
  const isLlm =
    !isEvaluation &&
    (explicitCost !== undefined || (model !== '' && (hasUsage || a[ATTR.operationName] !== undefined || LLM_KINDS.has(oiKind))));
  return { model, usage, hasUsage, explicitCost, isEvaluation, isLlm };
}

/** The span's cost: the one it states, else the price table's for an LLM call with usage; unknown (null) without usage. */
function price(k: Classification): { cost: number | null; source: SpanRow['cost_source'] } {
  if (k.explicitCost !== undefined) return { cost: k.explicitCost, source: 'attribute' };
  if (!k.isLlm) return { cost: null, source: '' };
  // No usage reported (e.g. a stream without include_usage): the cost is unknown, not zero.
  const cost = k.hasUsage ? costUsd(k.model, k.usage) : null;
  return { cost, source: cost === null ? 'unpriced' : 'price_table' };
}

/** The span's ids and times, checked first: a span without them cannot be stored at all. */
function identity(span: OtlpSpanEnvelope['span']) {
  const trace = traceId(span.traceId);
  const id = spanId(span.spanId);
  const parent = span.parentSpanId === '' || /^0+$/.test(span.parentSpanId) ? '' : spanId(span.parentSpanId, 'parent span id');
  const start = timestamp(span.startNs, 'start time');
  const end = timestamp(span.endNs, 'end time');
  if (end < start) throw new InvalidItem('end time is before start time');
  return { trace, id, parent, start, end };
}

function spanRow(
  env: OtlpSpanEnvelope,
  { trace: tid, id: sid, parent, start, end }: ReturnType<typeof identity>,
  a: Attributes,
  k: Classification,
  priced: ReturnType<typeof price>,
  ctx: NormalizeContext,
): SpanRow {
  const { span, resource } = env;
  const { limits, onTruncate } = ctx;
  const attrs = (x: Attributes) => flatten(x, limits.maxAttributesPerSpan, limits.maxAttributeValueLength, onTruncate);
  return {
    project: ctx.project,
    trace_id: tid,
    span_id: sid,
    parent_span_id: parent,
    name: truncate(span.name, limits.maxNameLength, onTruncate),
    kind: span.kind >= 0 && span.kind <= 5 ? span.kind : 0,
    start_time: start.toString(),
    end_time: end.toString(),
    duration_ns: (end - start).toString(),
    status_code: span.statusCode >= 0 && span.statusCode <= 2 ? span.statusCode : 0,
    status_message: truncate(span.statusMessage, limits.maxAttributeValueLength, onTruncate),
    service_name: text(resource, [ATTR.serviceName]),
    scope_name: env.scope.name,
    is_root: parent === '',
    is_llm: k.isLlm,
    is_evaluation: k.isEvaluation,
    model: k.model,
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
    input_tokens: k.usage.inputTokens,
    output_tokens: k.usage.outputTokens,
    cache_read_tokens: k.usage.cacheReadTokens,
    cache_write_tokens: k.usage.cacheWriteTokens,
    cost_usd: priced.cost,
    cost_source: priced.source,
    success: bool(a, ALIASES.taskSuccess, 'task success'),
    ...requestParamColumns(a, k.model, k.isLlm),
    attributes: attrs(a),
    resource_attributes: attrs(resource),
    events: span.events.slice(0, limits.maxEventsPerSpan).map((e) => ({
      time: eventTime(e.timeNs, start.toString()),
      name: truncate(e.name, limits.maxNameLength, onTruncate),
      attributes: attrs(e.attributes),
    })),
    links: span.links.slice(0, limits.maxLinksPerSpan).map((l) => ({ trace_id: l.traceId, span_id: l.spanId, attributes: attrs(l.attributes) })),
  };
}

/** An event's time as sent when it is a valid nanosecond count, else the fallback. */
const eventTime = (timeNs: string, fallback: string) => (/^\d{1,19}$/.test(timeNs) ? timeNs : fallback);

/** The evaluations a span carries as `evaltrace.evaluation` events (every one, not only the stored first events). */
function eventEvaluations(row: SpanRow, env: OtlpSpanEnvelope, ctx: NormalizeContext): EvaluationRow[] {
  return env.span.events.flatMap((e, i) =>
    e.name !== EVALUATION_EVENT
      ? []
      : [
          evaluationRow(ctx, e.attributes, {
            evaluation_id: `${row.trace_id}${row.span_id}e${i}`,
            target_trace_id: row.trace_id,
            target_span_id: row.span_id,
            evaluation_trace_id: row.trace_id,
            evaluation_span_id: row.span_id,
            source: 'span_event',
            time: eventTime(e.timeNs, row.end_time),
          }),
        ],
  );
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
