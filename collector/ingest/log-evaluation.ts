/**
 * OTLP log records as evaluations: a `gen_ai.evaluation.result` event judges
 * the span in its trace context, or else the span whose gen_ai.response.id it
 * names (looked up by the ingest service, once per request).
 */
import { createHash } from 'node:crypto';
import { ATTR, EVALUATION_EVENT } from '@evaltrace/semantic-conventions';
import type { OtlpLogRecord } from '../otlp/model.js';
import { evaluationRow, type NormalizeContext } from './normalize.js';
import type { EvaluationRow } from './rows.js';
import { InvalidItem, spanId, text, timestamp, traceId } from './values.js';

export interface SpanRef {
  trace: string;
  span: string;
}

/** Whether a record is an evaluation event; other log records are counted and ignored. */
export const isEvaluationRecord = (r: OtlpLogRecord) => (r.eventName || text(r.attributes, ['event.name'])) === EVALUATION_EVENT;

export function hasContext(r: OtlpLogRecord): boolean {
  return r.traceId !== '' && r.spanId !== '';
}

/** The evaluated span: the record's trace context, else the span whose gen_ai.response.id it names. */
function logTarget(r: OtlpLogRecord, byResponseId: ReadonlyMap<string, SpanRef>): SpanRef {
  if (hasContext(r)) return { trace: traceId(r.traceId), span: spanId(r.spanId) };
  const responseId = text(r.attributes, [ATTR.responseId]);
  if (responseId === '') throw new InvalidItem('evaluation event has no trace/span context and no gen_ai.response.id');
  const hit = byResponseId.get(responseId);
  if (!hit) throw new InvalidItem(`no span with gen_ai.response.id ${JSON.stringify(responseId.slice(0, 64))}`);
  return hit;
}

/** One evaluation record as a row; its id is a hash of target, time and attributes, so a re-sent record is stored once. Throws InvalidItem. */
export function logEvaluation(ctx: NormalizeContext, r: OtlpLogRecord, byResponseId: ReadonlyMap<string, SpanRef>): EvaluationRow {
  const target = logTarget(r, byResponseId);
  const time = timestamp(r.timeNs !== '0' ? r.timeNs : r.observedNs, 'log time').toString();
  const id = createHash('sha256')
    .update(JSON.stringify([target, time, r.attributes]))
    .digest('hex')
    .slice(0, 48);
  return evaluationRow(ctx, r.attributes, {
    evaluation_id: `log:${id}`,
    target_trace_id: target.trace,
    target_span_id: target.span,
    evaluation_trace_id: '',
    evaluation_span_id: '',
    source: 'log',
    time,
  });
}
