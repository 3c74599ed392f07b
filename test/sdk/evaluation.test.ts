import { SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { ATTR } from '@evaltrace/semantic-conventions';
import { recordEvaluation, task } from '../../src/index.js';
import { only, useTelemetry } from './helpers/telemetry.js';

const otel = useTelemetry();

const judge = { name: 'helpfulness', version: 'j2', model: 'gpt-4.1' };
const stored = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };

describe('recordEvaluation()', () => {
  it('emits an evaluation span whose first link is the target, with score, label, explanation and judge', async () => {
    const ctx = recordEvaluation({ target: stored, judge, score: 0.8, label: 'pass', explanation: 'fine' });
    const span = only(await otel.spans(1));
    expect(span.name).toBe('evaluate helpfulness');
    expect(span.spanContext().spanId).toBe(ctx.spanId);
    expect(span.links[0]?.context).toMatchObject({ ...stored, traceFlags: TraceFlags.SAMPLED });
    expect(span.attributes).toEqual({
      [ATTR.evaluationName]: 'quality',
      [ATTR.evaluationScore]: 0.8,
      [ATTR.evaluationLabel]: 'pass',
      [ATTR.evaluationExplanation]: 'fine',
      [ATTR.judgeName]: 'helpfulness',
      [ATTR.judgeVersion]: 'j2',
      [ATTR.requestModel]: 'gpt-4.1',
    });
  });

  it('takes an evaluation name, and a label alone', async () => {
    recordEvaluation({ target: stored, judge: { name: 'j', version: '1' }, label: 'fail', name: 'faithfulness' });
    const span = only(await otel.spans(1));
    expect(span.attributes[ATTR.evaluationName]).toBe('faithfulness');
    expect(span.attributes[ATTR.evaluationScore]).toBeUndefined();
    expect(span.attributes[ATTR.requestModel]).toBeUndefined();
  });

  it('starts a new root trace even inside a task, carrying the judge’s versions and not the task’s', async () => {
    await task({ dataset: { name: 'qa', version: '1' }, exampleId: 'e', runId: 'r' }, (t) => {
      recordEvaluation({ target: t.spanContext(), judge, score: 1 });
    });
    const spans = await otel.spans(2);
    const root = spans.find((s) => s.name === 'task');
    const evaluation = spans.find((s) => s.name === 'evaluate helpfulness');
    expect(evaluation?.parentSpanContext).toBeUndefined();
    expect(evaluation?.spanContext().traceId).not.toBe(root?.spanContext().traceId);
    expect(evaluation?.links[0]?.context.spanId).toBe(root?.spanContext().spanId);
    expect(evaluation?.attributes[ATTR.datasetName]).toBeUndefined();
    expect(evaluation?.attributes[ATTR.exampleId]).toBeUndefined();
    expect(evaluation?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it.each([
    ['no score and no label', { target: stored, judge }],
    ['a non-finite score', { target: stored, judge, score: Number.NaN }],
    ['a malformed trace id', { target: { ...stored, traceId: 'xyz' }, judge, score: 1 }],
    ['an all-zero span id', { target: { ...stored, spanId: '0000000000000000' }, judge, score: 1 }],
  ])('rejects %s with a TypeError and emits nothing', async (_, input) => {
    expect(() => recordEvaluation(input as never)).toThrow(TypeError);
    expect(await otel.spans()).toHaveLength(0);
  });
});
