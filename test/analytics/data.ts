/**
 * Generated analytics data: prompt versions v1/v2 on two models, judged by
 * two versions of one judge on the same fixed task traces. Everything a test
 * expects is computed from this plan (expected.ts), never read back from the store.
 *
 * - prompt "answer": the clean case, 2 versions × 2 models × 60 examples = 240
 *   traces, one run each, every trace judged by j1 and j2.
 * - prompt "summarize": the messy case: repeated runs of an example, examples
 *   run under one version only, traces without an example id.
 * - prompt "draft": a few traces no judge scored.
 * - judge "style-judge" (s1, s2) gives two evaluation names on a few traces,
 *   so a comparison has to be told which one; "constant-judge" (c1, c2) passes
 *   every trace with the same score (kappa and Pearson r are undefined).
 */
import type { Link } from '@opentelemetry/api';
import { SpanKind } from '@opentelemetry/api';
import type { makeSender } from '../helpers/otel.js';
import { rng } from '../helpers/scenario.js';

type Sender = ReturnType<typeof makeSender>;

export const DATASET = 'support-qa';
export const DATASET_VERSION = '2026-10';
export const MODELS = ['claude-sonnet-4-5-20250929', 'gpt-4o-mini'] as const;
export const JUDGE = 'quality-judge';
export const EVALUATION = 'correctness';
/** j1 passes a score ≥ 0.5; j2 rescores with noise and passes ≥ 0.6. */
export const THRESHOLD = { j1: 0.5, j2: 0.6 } as const;
export const BASE_MS = Date.UTC(2026, 9, 1);

export interface PlannedTrace {
  prompt: string;
  promptVersion: 'v1' | 'v2';
  model: string;
  exampleId: string | null;
  success: boolean;
  /** USD, an exact multiple of 1e-8 so sums are exact. */
  cost: number;
  input: number;
  output: number;
  latencyMs: number;
  startMs: number;
  scores: { j1: number; j2: number };
}

export const passed = (t: PlannedTrace, v: 'j1' | 'j2') => t.scores[v] >= THRESHOLD[v];

const round2 = (x: number) => Math.round(Math.min(1, Math.max(0, x)) * 100) / 100;

export function planTraces(seed = 42): PlannedTrace[] {
  const r = rng(seed);
  const traces: PlannedTrace[] = [];
  const add = (prompt: string, promptVersion: 'v1' | 'v2', model: string, exampleId: string | null, quality: number) => {
    const j1 = round2(quality + (promptVersion === 'v2' ? 0.06 : 0) + (r() - 0.5) * 0.3);
    traces.push({
      prompt,
      promptVersion,
      model,
      exampleId,
      success: r() < 0.4 + j1 * 0.5,
      cost: Math.round((model === MODELS[0] ? 2000 : 300) + r() * 1500 + (promptVersion === 'v2' ? 400 : 0)) / 1e8,
      input: 100 + Math.floor(r() * 900),
      output: 20 + Math.floor(r() * 300),
      latencyMs: 200 + Math.floor(r() * 1800),
      startMs: BASE_MS + traces.length * 1000,
      scores: { j1, j2: round2(j1 + (r() - 0.45) * 0.3) },
    });
  };
  for (const model of MODELS) {
    for (let i = 0; i < 60; i++) {
      const quality = 0.25 + r() * 0.6;
      add('answer', 'v1', model, `ex-${String(i).padStart(2, '0')}`, quality);
      add('answer', 'v2', model, `ex-${String(i).padStart(2, '0')}`, quality);
    }
    for (let i = 0; i < 14; i++) {
      const id = `sum-${String(i).padStart(2, '0')}`;
      const quality = 0.2 + r() * 0.6;
      // sum-12 runs under v1 only, sum-13 under v2 only.
      if (i !== 13) add('summarize', 'v1', model, id, quality);
      if (i !== 12) add('summarize', 'v2', model, id, quality);
      // Repeated runs: sum-00..02 twice more under v2, sum-00 once more under v1.
      if (i < 3) {
        add('summarize', 'v2', model, id, quality);
        add('summarize', 'v2', model, id, quality);
      }
      if (i === 0) add('summarize', 'v1', model, id, quality);
    }
    add('summarize', 'v1', model, null, 0.5);
    add('summarize', 'v1', model, null, 0.5);
    add('summarize', 'v2', model, null, 0.5);
    // Never judged.
    for (let i = 0; i < 4; i++) {
      add('draft', 'v1', model, `d-${i}`, 0.5);
      add('draft', 'v2', model, `d-${i}`, 0.5);
    }
  }
  return traces;
}

/** Sends each trace as a root task span with one LLM child span carrying tokens and an explicit cost. */
export async function sendTraces(sender: Sender, traces: PlannedTrace[]): Promise<Link['context'][]> {
  const roots = traces.map((t) => {
    const root = sender.tracer.startSpan('task', {
      root: true,
      startTime: t.startMs,
      attributes: {
        'evaltrace.dataset.name': DATASET,
        'evaltrace.dataset.version': DATASET_VERSION,
        'evaltrace.prompt.name': t.prompt,
        'evaltrace.prompt.version': t.promptVersion,
        'evaltrace.task.success': t.success,
        ...(t.exampleId === null ? {} : { 'evaltrace.example.id': t.exampleId }),
      },
    });
    sender
      .child(root, `chat ${t.model}`, {
        kind: SpanKind.CLIENT,
        startTime: t.startMs + 1,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': t.model,
          'gen_ai.usage.input_tokens': t.input,
          'gen_ai.usage.output_tokens': t.output,
          'evaltrace.cost.usd': t.cost,
        },
      })
      .end(t.startMs + 2);
    root.end(t.startMs + t.latencyMs);
    return root.spanContext();
  });
  await sender.flush();
  return roots;
}

export interface Verdict {
  score: number;
  pass: boolean;
  explanation: string;
}

/** One evaluation span per trace in a new trace, linked to the judged root (judges re-run on stored traces). */
export async function sendVerdicts(
  sender: Sender,
  roots: Link['context'][],
  judge: string,
  version: string,
  evaluation: string,
  verdictOf: (i: number) => Verdict | null,
  atMs: number,
): Promise<void> {
  roots.forEach((root, i) => {
    const v = verdictOf(i);
    if (!v) return;
    sender.tracer
      .startSpan(`evaluate ${evaluation}`, {
        root: true,
        startTime: atMs + i,
        links: [{ context: root }],
        attributes: {
          'gen_ai.evaluation.name': evaluation,
          'gen_ai.evaluation.score.value': v.score,
          'gen_ai.evaluation.score.label': v.pass ? 'pass' : 'fail',
          'gen_ai.evaluation.explanation': v.explanation,
          'evaltrace.judge.name': judge,
          'evaltrace.judge.version': version,
          'gen_ai.request.model': 'gpt-4o-mini',
        },
      })
      .end(atMs + i + 1);
  });
  await sender.flush();
}

/** j2's explanation: starts with "=" and holds a comma and quotes, to exercise CSV quoting and formula escaping. */
export const explanationOf = (t: PlannedTrace, v: 'j1' | 'j2') =>
  v === 'j1' ? `score ${t.scores.j1} against ${THRESHOLD.j1}` : `=${t.scores.j2} vs "strict", threshold ${THRESHOLD.j2}`;

/** Sends every planned trace and all judge verdicts. */
export async function sendAll(sender: Sender, traces: PlannedTrace[]): Promise<void> {
  const roots = await sendTraces(sender, traces);
  const day = 86_400_000;
  for (const v of ['j1', 'j2'] as const) {
    await sendVerdicts(
      sender,
      roots,
      JUDGE,
      v,
      EVALUATION,
      (i) => {
        const t = traces[i]!;
        return t.prompt === 'draft' ? null : { score: t.scores[v], pass: passed(t, v), explanation: explanationOf(t, v) };
      },
      BASE_MS + day,
    );
  }
  for (const [version, evaluation] of [['s1', 'tone'], ['s1', 'brevity'], ['s2', 'tone'], ['s2', 'brevity']] as const) {
    await sendVerdicts(sender, roots.slice(0, 5), 'style-judge', version, evaluation, () => ({ score: 1, pass: true, explanation: '' }), BASE_MS + 2 * day);
  }
  for (const version of ['c1', 'c2']) {
    await sendVerdicts(sender, roots.slice(0, 6), 'constant-judge', version, 'safety', () => ({ score: 1, pass: true, explanation: 'ok' }), BASE_MS + 2 * day);
  }
}
