/**
 * Designed cases for promotion gates: a baseline configuration and
 * candidates derived from it example by example (a clear regression, a clear
 * improvement, a noisy difference, a cost blow-up at equal quality, a run
 * with too few examples, a held-out dataset version). Every value is planned
 * here, so tests compute the expected statistics from the plan alone.
 */
import { type Attributes, context, type Link, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { rng } from './scenario.js';

export const DATASET = 'gate-qa';
export const PROMPT = 'answer';
export const JUDGE = 'qa-judge';
export const JUDGE_VERSION = 'j1';
export const EVALUATION = 'correctness';

export interface GateTask {
  datasetVersion: string;
  exampleId: string;
  model: string;
  promptVersion: string;
  score: number;
  success: boolean;
  costUsd: number;
  latencyMs: number;
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

/** The baseline behaviour on `count` examples of one dataset version. */
export function planBaseline(o: { seed: number; datasetVersion: string; count: number; model: string; promptVersion: string; idPrefix?: string }): GateTask[] {
  const r = rng(o.seed);
  return Array.from({ length: o.count }, (_, i) => ({
    datasetVersion: o.datasetVersion,
    exampleId: `${o.idPrefix ?? 'ex'}-${String(i).padStart(3, '0')}`,
    model: o.model,
    promptVersion: o.promptVersion,
    score: round(0.6 + 0.2 * r(), 2),
    success: r() < 0.85,
    costUsd: round(0.002 + 0.002 * r(), 6),
    latencyMs: 400 + Math.floor(400 * r()),
  }));
}

/** A candidate: the same examples with a changed behaviour. */
export function derive(base: readonly GateTask[], promptVersion: string, change: (t: GateTask, i: number) => Partial<GateTask>): GateTask[] {
  return base.map((t, i) => ({ ...t, promptVersion, ...change(t, i) }));
}

/** Small deterministic jitter in [−amp, amp], rounded so scores stay exact decimals. */
export function jitter(seed: number, amp: number): (i: number) => number {
  const r = rng(seed);
  const values: number[] = [];
  return (i) => {
    while (values.length <= i) values.push(round((r() * 2 - 1) * amp, 3));
    return values[i]!;
  };
}

export const clamp01 = (x: number) => round(Math.min(1, Math.max(0, x)), 3);

export interface Sent {
  task: GateTask;
  traceId: string;
  root: Link['context'];
}

const BASE_MS = Date.UTC(2026, 10, 1);

/**
 * Sends tasks through the real OTel OTLP/protobuf exporter, with the
 * reproducibility envelope as resource attributes, then their judge scores
 * (sendScores). A failed task's LLM span has status ERROR. `exporter` takes
 * the spans instead of an OTLP exporter to `url` (to send them elsewhere later).
 */
export async function sendGateTasks(
  url: string,
  tasks: readonly GateTask[],
  resource: Attributes = {},
  headers?: Record<string, string>,
  exporter?: SpanExporter,
): Promise<Sent[]> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'gate-scenarios', ...resource }),
    spanProcessors: [
      new BatchSpanProcessor(exporter ?? new OTLPTraceExporter({ url: `${url}/v1/traces`, headers }), { maxExportBatchSize: 256, scheduledDelayMillis: 10 }),
    ],
  });
  const tracer = provider.getTracer('gate-scenarios');
  const sent: Sent[] = tasks.map((t, i) => {
    const start = BASE_MS + i * 10_000;
    const root = tracer.startSpan('task', {
      root: true,
      startTime: start,
      attributes: {
        'evaltrace.dataset.name': DATASET,
        'evaltrace.dataset.version': t.datasetVersion,
        'evaltrace.example.id': t.exampleId,
        'evaltrace.prompt.name': PROMPT,
        'evaltrace.prompt.version': t.promptVersion,
        'evaltrace.task.success': t.success,
      },
    });
    const llm = tracer.startSpan(
      `chat ${t.model}`,
      {
        kind: SpanKind.CLIENT,
        startTime: start + 1,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'test',
          'gen_ai.request.model': t.model,
          'gen_ai.usage.input_tokens': 100,
          'gen_ai.usage.output_tokens': 20,
          'evaltrace.cost.usd': t.costUsd,
        },
      },
      trace.setSpan(context.active(), root),
    );
    if (!t.success) llm.setStatus({ code: SpanStatusCode.ERROR, message: 'wrong answer' });
    llm.end(start + 2);
    root.end(start + t.latencyMs);
    return { task: t, traceId: root.spanContext().traceId, root: root.spanContext() };
  });
  await provider.forceFlush();
  await provider.shutdown();
  await sendScores(url, sent, {}, headers, exporter);
  return sent;
}

/** One judge span per task, in its own trace linked to the task root (judges run later, on stored traces). */
export async function sendScores(
  url: string,
  sent: readonly Sent[],
  o: { evaluation?: string; judgeVersion?: string; score?: (t: GateTask) => number },
  headers?: Record<string, string>,
  exporter?: SpanExporter,
): Promise<void> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'gate-judge' }),
    spanProcessors: [
      new BatchSpanProcessor(exporter ?? new OTLPTraceExporter({ url: `${url}/v1/traces`, headers }), { maxExportBatchSize: 256, scheduledDelayMillis: 10 }),
    ],
  });
  const tracer = provider.getTracer('gate-judge');
  const evaluation = o.evaluation ?? EVALUATION;
  sent.forEach((s, i) => {
    const score = (o.score ?? ((t) => t.score))(s.task);
    const judged = tracer.startSpan(`evaluate ${evaluation}`, {
      root: true,
      startTime: BASE_MS + 86_400_000 + i,
      links: [{ context: s.root }],
      attributes: {
        'gen_ai.evaluation.name': evaluation,
        'gen_ai.evaluation.score.value': score,
        'gen_ai.evaluation.score.label': score >= 0.5 ? 'pass' : 'fail',
        'evaltrace.judge.name': JUDGE,
        'evaltrace.judge.version': o.judgeVersion ?? JUDGE_VERSION,
        'gen_ai.request.model': 'judge-model',
      },
    });
    judged.end(BASE_MS + 86_400_000 + i + 1);
  });
  await provider.forceFlush();
  await provider.shutdown();
}
