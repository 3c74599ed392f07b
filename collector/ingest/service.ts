import { DomainError } from '../errors.js';
import type { Limits } from '../limits.js';
import type { Metrics } from '../metrics.js';
import { ATTR } from '@evaltrace/semantic-conventions';
import { decodeLogs, decodeTraces, type Encoding } from '../otlp/decode.js';
import type { OtlpLogRecord } from '../otlp/model.js';
import type { Store } from '../store/types.js';
import { GroupCommitter, type Linger } from './batcher.js';
import { newEvaluations, newSpans } from './dedup.js';
import { hasContext, isEvaluationRecord, logEvaluation, type SpanRef } from './log-evaluation.js';
import { normalizeSpan, type NormalizeContext } from './normalize.js';
import type { EvaluationRow, SpanRow } from './rows.js';
import { InvalidItem, text } from './values.js';

export interface IngestResult {
  accepted: number;
  rejected: number;
  /** Up to a few distinct reasons, for partial_success.error_message. */
  errorMessage: string;
}

/** Collects per-item rejections into counts and a short, readable message. */
export class Rejections {
  count = 0;
  private readonly reasons = new Map<string, number>();

  add(what: string, reason: string): void {
    this.count += 1;
    const key = `${what}: ${reason}`;
    this.reasons.set(key, (this.reasons.get(key) ?? 0) + 1);
  }

  message(): string {
    return [...this.reasons]
      .slice(0, 5)
      .map(([r, n]) => (n > 1 ? `${r} (${n}×)` : r))
      .join('; ');
  }
}

/** Decode → normalize → group-committed insert; resolves after the rows are committed. */
export class IngestService {
  readonly spans: GroupCommitter<SpanRow>;
  readonly evaluations: GroupCommitter<EvaluationRow>;

  constructor(
    readonly store: Store,
    readonly limits: Limits,
    readonly metrics: Metrics,
    maxPendingRows: number,
    linger: Linger,
  ) {
    const observe = (_rows: number, seconds: number) => metrics.storeWriteSeconds.observe(seconds);
    this.spans = new GroupCommitter(
      async (rows) => {
        const fresh = await newSpans(store, rows);
        metrics.spansDeduplicated.inc({}, rows.length - fresh.length);
        await store.insert('spans', fresh);
      },
      maxPendingRows,
      observe,
      linger,
    );
    this.evaluations = new GroupCommitter(
      async (rows) => {
        const fresh = await newEvaluations(store, rows);
        metrics.evaluationsDeduplicated.inc({}, rows.length - fresh.length);
        await store.insert('evaluations', fresh);
      },
      maxPendingRows,
      observe,
    );
  }

  normalizeContext(project: string): NormalizeContext {
    return { project, limits: this.limits, onTruncate: () => this.metrics.truncations.inc() };
  }

  async ingestTraces(body: Uint8Array, encoding: Encoding, project: string): Promise<IngestResult> {
    const items = decodeTraces(body, encoding);
    if (items.length > this.limits.maxSpansPerRequest) {
      throw new DomainError('too_large', 'too_many_spans', `request has ${items.length} spans; the limit is ${this.limits.maxSpansPerRequest}`);
    }
    const ctx = this.normalizeContext(project);
    const rejections = new Rejections();
    const spans: SpanRow[] = [];
    const evaluations: EvaluationRow[] = [];
    for (const item of items) {
      if ('malformed' in item) {
        rejections.add('span', item.malformed);
        continue;
      }
      try {
        const n = normalizeSpan(item, ctx);
        spans.push(n.span);
        evaluations.push(...n.evaluations);
      } catch (err) {
        if (!(err instanceof InvalidItem)) throw err;
        rejections.add('span', err.message);
      }
    }
    await this.commit(spans, evaluations);
    this.metrics.spansAccepted.inc({}, spans.length);
    this.metrics.spansRejected.inc({}, rejections.count);
    return { accepted: spans.length, rejected: rejections.count, errorMessage: rejections.message() };
  }

  /** Log-based `gen_ai.evaluation.result` events become evaluations; other records are counted and ignored. */
  async ingestLogs(body: Uint8Array, encoding: Encoding, project: string): Promise<IngestResult> {
    const items = decodeLogs(body, encoding);
    if (items.length > this.limits.maxSpansPerRequest) {
      throw new DomainError('too_large', 'too_many_records', `request has ${items.length} log records; the limit is ${this.limits.maxSpansPerRequest}`);
    }
    const ctx = this.normalizeContext(project);
    const rejections = new Rejections();
    const evaluations: EvaluationRow[] = [];
    const byResponseId = await this.spansByResponseId(
      project,
      items.flatMap((i) => ('record' in i && isEvaluationRecord(i.record) && !hasContext(i.record) ? [i.record] : [])),
    );
    let ignored = 0;
    for (const item of items) {
      if ('malformed' in item) {
        rejections.add('log record', item.malformed);
        continue;
      }
      const r = item.record;
      if (!isEvaluationRecord(r)) {
        ignored += 1;
        continue;
      }
      try {
        evaluations.push(logEvaluation(ctx, r, byResponseId));
      } catch (err) {
        if (!(err instanceof InvalidItem)) throw err;
        rejections.add('log record', err.message);
      }
    }
    await this.commit([], evaluations);
    this.metrics.logsIgnored.inc({}, ignored);
    return { accepted: evaluations.length + ignored, rejected: rejections.count, errorMessage: rejections.message() };
  }

  /** One lookup per request for the spans that records without trace context name by gen_ai.response.id. */
  private async spansByResponseId(project: string, records: OtlpLogRecord[]): Promise<Map<string, SpanRef>> {
    const rids = [...new Set(records.map((r) => text(r.attributes, [ATTR.responseId])).filter((rid) => rid !== ''))];
    if (rids.length === 0) return new Map();
    // The LLM call span is the one a response id names; other spans may copy the attribute.
    const found = await this.store.query<{ rid: string; hit: string }>(
      `SELECT attributes[{key:String}] AS rid, argMax(concat(trace_id, span_id), is_llm) AS hit FROM spans
       WHERE project = {project:String} AND attributes[{key:String}] IN {rids:Array(String)}
       GROUP BY rid`,
      { project, key: ATTR.responseId, rids },
    );
    return new Map(found.map((f) => [f.rid, { trace: f.hit.slice(0, 32), span: f.hit.slice(32) }]));
  }

  async commit(spans: readonly SpanRow[], evaluations: readonly EvaluationRow[]): Promise<void> {
    await Promise.all([this.spans.add(spans), this.evaluations.add(evaluations)]);
    this.metrics.evaluationsAccepted.inc({}, evaluations.length);
  }

  async idle(): Promise<void> {
    await Promise.all([this.spans.idle(), this.evaluations.idle()]);
  }
}
