import { type Attributes, type Link, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { makeSender } from './otel.js';

type Sender = ReturnType<typeof makeSender>;

/** Prices per 1M tokens written out here, independently of src/pricing.ts. */
export const TEST_PRICES: Record<string, { input: number; output: number } | null> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'claude-sonnet-4-5-20250929': { input: 3, output: 15 },
  'acme-local-7b': null,
};

export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PlannedCall {
  model: string;
  input: number;
  output: number;
  explicitCost?: number;
  /** OpenInference attribute names instead of gen_ai ones. */
  openInference: boolean;
}

export interface PlannedTask {
  dataset: string;
  datasetVersion: string;
  prompt: string;
  promptVersion: string;
  exampleId: string;
  runId: string;
  model: string;
  success: boolean;
  latencyMs: number;
  calls: PlannedCall[];
  /** judge version → score (label pass when ≥ 0.5) */
  scores: Record<string, number>;
}

export function planTasks(seed: number, opts: { examples: number; datasetVersion?: string } = { examples: 6 }): PlannedTask[] {
  const r = rng(seed);
  const tasks: PlannedTask[] = [];
  const models = Object.keys(TEST_PRICES);
  for (const promptVersion of ['v1', 'v2']) {
    for (const model of models) {
      for (let i = 0; i < opts.examples; i++) {
        const calls: PlannedCall[] = [];
        const nCalls = 1 + Math.floor(r() * 2);
        for (let k = 0; k < nCalls; k++) {
          calls.push({
            model,
            input: 100 + Math.floor(r() * 900),
            output: 20 + Math.floor(r() * 300),
            explicitCost: r() < 0.15 && TEST_PRICES[model] ? Math.round(r() * 1e6) / 1e8 : undefined,
            openInference: r() < 0.3,
          });
        }
        tasks.push({
          dataset: 'support-qa',
          datasetVersion: opts.datasetVersion ?? '2026-10',
          prompt: 'answer',
          promptVersion,
          exampleId: `ex-${i}`,
          runId: `run-${seed}`,
          model,
          success: r() < 0.7,
          latencyMs: 50 + Math.floor(r() * 2000),
          calls,
          scores: { j1: Math.round(r() * 100) / 100, j2: Math.round(r() * 100) / 100 },
        });
      }
    }
  }
  return tasks;
}

const BASE_MS = Date.UTC(2026, 9, 1);

/** Sends the tasks: versions only on the root span, LLM children with tokens; returns each root's span context. */
export async function sendTasks(sender: Sender, tasks: PlannedTask[]) {
  const roots: Link['context'][] = [];
  tasks.forEach((t, i) => {
    const start = BASE_MS + i * 10_000;
    const root = sender.tracer.startSpan('task', {
      root: true,
      startTime: start,
      attributes: {
        'evaltrace.dataset.name': t.dataset,
        'evaltrace.dataset.version': t.datasetVersion,
        'evaltrace.example.id': t.exampleId,
        'evaltrace.prompt.name': t.prompt,
        'evaltrace.prompt.version': t.promptVersion,
        'evaltrace.run.id': t.runId,
        'evaltrace.task.success': t.success,
      },
    });
    t.calls.forEach((c, k) => {
      const attributes: Attributes = c.openInference
        ? {
            'openinference.span.kind': 'LLM',
            'llm.model_name': c.model,
            'llm.token_count.prompt': c.input,
            'llm.token_count.completion': c.output,
          }
        : {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'test',
            'gen_ai.request.model': c.model,
            'gen_ai.usage.input_tokens': c.input,
            'gen_ai.usage.output_tokens': c.output,
          };
      if (c.explicitCost !== undefined) attributes['evaltrace.cost.usd'] = c.explicitCost;
      const span = sender.child(root, `chat ${c.model}`, { kind: SpanKind.CLIENT, startTime: start + 1 + k, attributes });
      span.end(start + 2 + k);
    });
    const tool = sender.child(root, 'lookup', { startTime: start + 1, attributes: { 'tool.name': 'kb' } });
    if (!t.success) tool.setStatus({ code: SpanStatusCode.ERROR, message: 'not found' });
    tool.end(start + 3);
    root.end(start + t.latencyMs);
    roots.push(root.spanContext());
  });
  await sender.flush();
  return roots;
}

/** Judge spans in new traces, each linked to the judged task root (as judges re-run on stored traces). */
export async function sendJudgements(
  sender: Sender,
  roots: Link['context'][],
  tasks: PlannedTask[],
  version: string,
  scoreOf: (t: PlannedTask) => number,
  at = BASE_MS + 86_400_000,
) {
  tasks.forEach((t, i) => {
    const score = scoreOf(t);
    const span = sender.tracer.startSpan('evaluate helpfulness', {
      root: true,
      startTime: at + i,
      links: [{ context: roots[i]! }],
      attributes: {
        'gen_ai.evaluation.name': 'helpfulness',
        'gen_ai.evaluation.score.value': score,
        'gen_ai.evaluation.score.label': score >= 0.5 ? 'pass' : 'fail',
        'gen_ai.evaluation.explanation': `score ${score}`,
        'evaltrace.judge.name': 'helpfulness-judge',
        'evaltrace.judge.version': version,
        'gen_ai.request.model': 'gpt-4o-mini',
      },
    });
    span.end(at + i + 1);
  });
  await sender.flush();
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** The aggregates /api/triples must report, computed from the plan alone. */
export function expectedTriples(tasks: PlannedTask[], judgeVersions: string[]) {
  const groups = new Map<string, PlannedTask[]>();
  for (const t of tasks) {
    const k = [t.dataset, t.datasetVersion, t.model, t.prompt, t.promptVersion].join('|');
    groups.set(k, [...(groups.get(k) ?? []), t]);
  }
  return [...groups.entries()].map(([key, ts]) => {
    const price = TEST_PRICES[ts[0]!.model];
    let cost = 0;
    let unpriced = 0;
    for (const t of ts) {
      let tracePriced = true;
      for (const c of t.calls) {
        if (c.explicitCost !== undefined) cost += c.explicitCost;
        else if (price) cost += (c.input * price.input + c.output * price.output) / 1e6;
        else tracePriced = false;
      }
      if (!tracePriced) unpriced += 1;
    }
    const nSuccess = ts.filter((t) => t.success).length;
    const costOrNull = unpriced === ts.length ? null : cost;
    return {
      key,
      n_traces: ts.length,
      n_success: nSuccess,
      n_errors: ts.filter((t) => !t.success).length,
      input_tokens: ts.reduce((s, t) => s + t.calls.reduce((a, c) => a + c.input, 0), 0),
      output_tokens: ts.reduce((s, t) => s + t.calls.reduce((a, c) => a + c.output, 0), 0),
      cost_usd: costOrNull,
      cost_per_success: costOrNull === null || nSuccess === 0 ? null : costOrNull / nSuccess,
      unpriced_traces: unpriced,
      latency_ms_p50: quantile(ts.map((t) => t.latencyMs), 0.5),
      latency_ms_p95: quantile(ts.map((t) => t.latencyMs), 0.95),
      judges: judgeVersions.map((v) => {
        const scores = ts.map((t) => t.scores[v]!);
        const passes = scores.filter((s) => s >= 0.5).length;
        return {
          judge_version: v,
          n_scored: scores.length,
          score_mean: scores.reduce((a, b) => a + b, 0) / scores.length,
          pass_rate: passes / scores.length,
        };
      }),
    };
  });
}
