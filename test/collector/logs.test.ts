import { ROOT_CONTEXT, SpanKind, type SpanContext, trace } from '@opentelemetry/api';
import type { AnyValueMap, LogRecord } from '@opentelemetry/api-logs';
import { OTLPLogExporter as OtlpHttpLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OtlpProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { getJson, startTestCollector } from '../helpers/collector.js';
import { makeSender } from '../helpers/otel.js';
import { expectedTriples, type PlannedTask, planTasks, sendTasks } from '../helpers/scenario.js';

interface LogSenderOptions {
  encoding: 'protobuf' | 'json';
  gzip: boolean;
  batch: boolean;
}

/** A logger whose records travel to the collector's /v1/logs through the real OTel JS OTLP/HTTP log exporters. */
function makeLogSender(url: string, o: LogSenderOptions) {
  const config = { url: `${url}/v1/logs`, compression: (o.gzip ? 'gzip' : 'none') as never };
  const exporter = o.encoding === 'protobuf' ? new OtlpProtoLogExporter(config) : new OtlpHttpLogExporter(config);
  const processor = o.batch
    ? new BatchLogRecordProcessor({ exporter, maxExportBatchSize: 64, scheduledDelayMillis: 20 })
    : new SimpleLogRecordProcessor({ exporter });
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'judge-runner' }),
    processors: [processor],
  });
  return {
    logger: provider.getLogger('evaltrace-judge'),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

const EVENT = 'gen_ai.evaluation.result';
const JUDGED_AT = Date.UTC(2026, 9, 5);

/** The standard evaluation event: score, pass/fail label, explanation and the judge's identity. */
function evaluationEvent(target: SpanContext | null, version: string, score: number, at: number, extra: AnyValueMap = {}): LogRecord {
  return {
    eventName: EVENT,
    timestamp: at,
    context: target ? trace.setSpanContext(ROOT_CONTEXT, target) : ROOT_CONTEXT,
    attributes: {
      'gen_ai.evaluation.name': 'helpfulness',
      'gen_ai.evaluation.score.value': score,
      'gen_ai.evaluation.score.label': score >= 0.5 ? 'pass' : 'fail',
      'gen_ai.evaluation.explanation': `score ${score}`,
      'evaltrace.judge.name': 'helpfulness-judge',
      'evaltrace.judge.version': version,
      ...extra,
    },
  };
}

const SETUPS: LogSenderOptions[] = [
  { encoding: 'protobuf', gzip: false, batch: false },
  { encoding: 'protobuf', gzip: true, batch: true },
  { encoding: 'json', gzip: false, batch: true },
  { encoding: 'json', gzip: true, batch: false },
];

async function metric(c: RunningCollector, name: string): Promise<number> {
  const text = await (await fetch(`${c.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}

async function postLogsJson(c: RunningCollector, body: unknown) {
  const res = await fetch(`${c.url}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, contentType: res.headers.get('content-type'), body: (await res.json()) as any };
}

describe('POST /v1/logs: gen_ai.evaluation.result events from the real OTel log exporters', () => {
  let c: RunningCollector;
  const tasks: PlannedTask[] = planTasks(23, { examples: 3 });
  let roots: SpanContext[] = [];
  const quarter = Math.ceil(tasks.length / SETUPS.length);
  const part = (i: number) => tasks.slice(i * quarter, (i + 1) * quarter);

  beforeAll(async () => {
    c = await startTestCollector();
    const sender = makeSender({ url: c.url, encoding: 'protobuf', gzip: true, batch: true });
    roots = await sendTasks(sender, tasks);
    await sender.shutdown();
    // Judge j1 scores every task through each exporter set-up; j2 through one batched sender.
    for (const [i, setup] of SETUPS.entries()) {
      const logs = makeLogSender(c.url, setup);
      part(i).forEach((t, k) => {
        logs.logger.emit(evaluationEvent(roots[i * quarter + k]!, 'j1', t.scores.j1!, JUDGED_AT + i * quarter + k));
      });
      await logs.shutdown();
    }
    const j2 = makeLogSender(c.url, { encoding: 'protobuf', gzip: true, batch: true });
    tasks.forEach((t, i) => {
    j2.logger.emit(evaluationEvent(roots[i]!, 'j2', t.scores.j2!, JUDGED_AT + 1000 + i));
  });
    await j2.shutdown();
  }, 120_000);

  afterAll(async () => {
    await c?.close();
  });

  const judgesOf = async () => {
    const { status, body } = await getJson(c, '/api/triples?dataset=support-qa');
    expect(status).toBe(200);
    return body.triples as any[];
  };

  const expectJudgesMatch = (actual: any[]) => {
    const expected = expectedTriples(tasks, ['j1', 'j2']);
    expect(actual).toHaveLength(expected.length);
    for (const e of expected) {
      const a = actual.find((t) => [t.dataset, t.dataset_version, t.model, t.prompt, t.prompt_version].join('|') === e.key);
      expect(a, e.key).toBeDefined();
      expect(a.judges.map((j: any) => j.judge_version)).toEqual(['j1', 'j2']);
      for (const ej of e.judges) {
        const aj = a.judges.find((j: any) => j.judge_version === ej.judge_version);
        expect(aj).toMatchObject({ judge: 'helpfulness-judge', evaluation: 'helpfulness', n_scored: ej.n_scored, n_labeled: ej.n_scored });
        expect(aj.score_mean).toBeCloseTo(ej.score_mean, 10);
        expect(aj.pass_rate).toBeCloseTo(ej.pass_rate, 10);
      }
    }
  };

  it('scores every task through protobuf and JSON, gzip on and off, per record and batched', async () => {
    expectJudgesMatch(await judgesOf());
  });

  it('shows a log-based evaluation on the evaluated span in /api/traces/:id', async () => {
    const i = quarter + 1;
    const { status, body } = await getJson(c, `/api/traces/${roots[i]!.traceId}`);
    expect(status).toBe(200);
    const j1 = body.evaluations.filter((e: any) => e.judge_version === 'j1');
    expect(j1).toHaveLength(1);
    const score = tasks[i]!.scores.j1!;
    expect(j1[0]).toMatchObject({
      target_span_id: roots[i]!.spanId,
      evaluation: 'helpfulness',
      judge: 'helpfulness-judge',
      score,
      label: score >= 0.5 ? 'pass' : 'fail',
      passed: score >= 0.5,
      explanation: `score ${score}`,
      source: 'log',
      time: new Date(JUDGED_AT + i).toISOString(),
    });
  });

  it('does not double count a re-sent batch', async () => {
    const before = await metric(c, 'evaltrace_evaluations_deduplicated_total');
    // The same records again, through another encoding: retries and replays carry identical content.
    const again = makeLogSender(c.url, { encoding: 'json', gzip: true, batch: true });
    part(0).forEach((t, k) => {
    again.logger.emit(evaluationEvent(roots[k]!, 'j1', t.scores.j1!, JUDGED_AT + k));
  });
    await again.shutdown();
    expect(await metric(c, 'evaltrace_evaluations_deduplicated_total')).toBe(before + part(0).length);
    expectJudgesMatch(await judgesOf());
    const { body } = await getJson(c, `/api/traces/${roots[0]!.traceId}`);
    expect(body.evaluations.filter((e: any) => e.judge_version === 'j1')).toHaveLength(1);
  });

  it('finds the evaluated LLM span by gen_ai.response.id when the event has no trace context', async () => {
    const at = Date.UTC(2026, 9, 2);
    const sender = makeSender({ url: c.url, encoding: 'json', gzip: false });
    const root = sender.tracer.startSpan('task', {
      root: true,
      startTime: at,
      // A wrapper that copies the last response id onto the task span must not capture its evaluations.
      attributes: { 'evaltrace.dataset.name': 'by-response-id', 'evaltrace.task.success': true, 'gen_ai.response.id': 'chatcmpl-b' },
    });
    const calls = ['chatcmpl-a', 'chatcmpl-b'].map((rid, k) => {
      const llm = sender.child(root, 'chat gpt-4o-mini', {
        kind: SpanKind.CLIENT,
        startTime: at + 1 + k,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.response.id': rid,
          'gen_ai.usage.input_tokens': 10,
          'gen_ai.usage.output_tokens': 5,
        },
      });
      llm.end(at + 2 + k);
      return { rid, spanId: llm.spanContext().spanId };
    });
    root.end(at + 5);
    await sender.shutdown();

    const logs = makeLogSender(c.url, { encoding: 'protobuf', gzip: false, batch: true });
    const scores = [0.25, 0.75];
    calls.forEach(({ rid }, k) => {
    logs.logger.emit(evaluationEvent(null, 'r1', scores[k]!, JUDGED_AT + k, { 'gen_ai.response.id': rid }));
  });
    await logs.shutdown();

    const { body } = await getJson(c, `/api/traces/${root.spanContext().traceId}`);
    expect(body.evaluations).toHaveLength(2);
    calls.forEach(({ spanId }, k) => {
      expect(body.evaluations.find((e: any) => e.target_span_id === spanId)).toMatchObject({ judge_version: 'r1', score: scores[k] });
    });
  });

  it('accepts other log records, ignores them and counts them in /metrics', async () => {
    const before = await metric(c, 'evaltrace_log_records_ignored_total');
    const logs = makeLogSender(c.url, { encoding: 'protobuf', gzip: true, batch: true });
    logs.logger.emit({ body: 'request served', attributes: { 'http.route': '/answer' } });
    logs.logger.emit({ eventName: 'app.started', body: { pid: 1 } });
    // Judge attributes without the evaluation event name are not an evaluation either.
    logs.logger.emit({ attributes: { 'gen_ai.evaluation.score.value': 1, 'evaltrace.judge.version': 'ghost' } });
    await logs.shutdown();
    const json = await postLogsJson(c, { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'hi' } }] }] }] });
    expect(json).toMatchObject({ status: 200, contentType: 'application/json', body: {} });
    expect(await metric(c, 'evaltrace_log_records_ignored_total')).toBe(before + 4);
    const ghost = (await judgesOf()).flatMap((t) => t.judges).filter((j: any) => j.judge_version === 'ghost');
    expect(ghost).toEqual([]);
  });

  it('rejects, via partial success, evaluation events that name no span it can find', async () => {
    const event = (attrs: Record<string, string>) => ({
      eventName: EVENT,
      timeUnixNano: String(BigInt(JUDGED_AT) * 1_000_000n),
      attributes: Object.entries({ 'gen_ai.evaluation.name': 'x', 'gen_ai.evaluation.score.label': 'pass', ...attrs }).map(
        ([key, v]) => ({ key, value: { stringValue: v } }),
      ),
    });
    const res = await postLogsJson(c, {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                event({}),
                event({ 'gen_ai.response.id': 'chatcmpl-never-seen' }),
                { ...event({ 'evaltrace.judge.version': 'ok' }), traceId: roots[0]!.traceId, spanId: roots[0]!.spanId },
              ],
            },
          ],
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(Number(res.body.partialSuccess.rejectedLogRecords)).toBe(2);
    expect(res.body.partialSuccess.errorMessage).toMatch(/no trace\/span context/);
    expect(res.body.partialSuccess.errorMessage).toMatch(/chatcmpl-never-seen/);
    const { body } = await getJson(c, `/api/traces/${roots[0]!.traceId}`);
    expect(body.evaluations.filter((e: any) => e.judge_version === 'ok')).toHaveLength(1);
  });

  it('answers an unsupported content type with 415 and an unreadable body with 400', async () => {
    const text = await fetch(`${c.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(text.status).toBe(415);
    expect(((await text.json()) as any).error.code).toBe('unsupported_media_type');
    const bad = await fetch(`${c.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array([0xff, 0xff, 0xff]),
    });
    expect(bad.status).toBe(400);
  });
});
