/**
 * The demo's experiment, run through the real SDK as an app would: a wrapped
 * `openai` client against the demo LLM, runExperiment over every dataset
 * version × model × prompt version with repeats, then two judge versions over
 * the stored traces (judgeTraces), a gate decision and a release history.
 */
import { type Prompt, type Template, datasets, definePrompt, init, judgeTraces, runExperiment, wrap } from 'evaltrace';
import OpenAI from 'openai';
import type { Client } from '../cli/client.js';
import type { GateRequest, GateResult } from '../gates/schemas.js';
import type { Release } from '../releases/schemas.js';
import type { TriplesResponse } from '../contract/responses.js';
import type { z } from '@hono/zod-openapi';
import { startDemoLlm } from './mock-llm.js';
import type { Progress } from './progress.js';
import {
  DATASET,
  DATASET_VERSIONS,
  JUDGE,
  JUDGE_MODEL,
  JUDGE_SYSTEM,
  MODELS,
  PROMPT,
  PROMPT_TEMPLATES,
  REPEATS,
  answered,
  matchJudge,
} from './scenario.js';

export interface DemoResult {
  tasks: number;
  failedTasks: number;
  evaluations: number;
  /** A trace worth opening: one where the two judges disagree. */
  sampleTraceId: string | null;
  gate: GateResult;
  /** The release the gate was about, after the demo promoted it (or left it, when the gate did not say promote). */
  release: Release;
}

const BASELINE_VERSION = 'v1';
const CANDIDATE_VERSION = 'v2';
/** The configuration the gate and releases are about. */
const GATED_MODEL = 'gpt-4o-mini';
const GATED_DATASET_VERSION = '2026-11';

/** Tasks the demo runs: its progress bar's first phase. */
export const PLANNED_TASKS = DATASET_VERSIONS.reduce((n, d) => n + d.items.length, 0) * MODELS.length * 2 * REPEATS;

export async function runDemoExperiment(opts: { url: string; apiKey: string | undefined; client: Client; progress: Progress }): Promise<DemoResult> {
  const { url, apiKey, client, progress } = opts;
  const llm = await startDemoLlm();
  const telemetry = init({ endpoint: url, apiKey, serviceName: 'evaltrace-demo', seed: 7 });
  try {
    const openai = wrap(new OpenAI({ apiKey: 'demo', baseURL: llm.url, maxRetries: 0 }));
    const prompts = {
      [BASELINE_VERSION]: definePrompt({ name: PROMPT, version: BASELINE_VERSION, template: PROMPT_TEMPLATES.v1 }),
      [CANDIDATE_VERSION]: definePrompt({ name: PROMPT, version: CANDIDATE_VERSION, template: PROMPT_TEMPLATES.v2 }),
    };
    const itemsById = new Map(DATASET_VERSIONS.flatMap((d) => d.items.map((item) => [item.id, item] as const)));

    // Each dataset version is stored under its label, so the Datasets page and the runs' coverage have it.
    for (const { version, items } of DATASET_VERSIONS) {
      const stored = items.map((item) => ({ id: item.id, input: { question: item.question }, expected: item.fact, metadata: { difficulty: item.difficulty } }));
      await datasets.push(DATASET, stored, { label: version }, { endpoint: url, apiKey });
    }

    progress.phase('tasks (3 models × 2 prompts)', PLANNED_TASKS);
    let tasks = 0;
    let failedTasks = 0;
    for (const { version, items } of DATASET_VERSIONS) {
      for (const model of MODELS) {
        for (const prompt of Object.values(prompts)) {
          const examples = items.map((item) => ({ id: item.id, input: { question: item.question } }));
          const runId = `${version}-${model.name}-${prompt.version}`;
          const options = { dataset: { name: DATASET, version, examples }, prompt, repeats: REPEATS, concurrency: 8, runId };
          const summary = await runExperiment(options, async (example, t) => {
            try {
              const text = await ask(openai, prompt, model.name, example.input.question);
              t.output(text);
              t.success(answered(text));
              return text;
            } finally {
              progress.step();
            }
          });
          tasks += summary.results.length;
          failedTasks += summary.results.filter((r) => r.success !== true).length;
        }
      }
    }

    // The judges list the stored task traces: every one must be stored before they start, or they judge fewer.
    await telemetry.flush();
    await waitForTraces(client, tasks);

    // j1 matches the manual's phrase; j2 asks an LLM, which is lenient with half-right answers and sometimes misreads.
    let evaluations = 0;
    const j2Scores = new Map<string, number>();
    const j1Scores = new Map<string, number>();
    const connection = { endpoint: url, apiKey };
    progress.phase(`judge ${JUDGE} j1 (string match)`, tasks);
    const j1 = await judgeTraces({
      ...connection,
      filter: { dataset: DATASET },
      judge: { name: JUDGE, version: 'j1' },
      evaluate: (trace) => {
        progress.step();
        const item = itemsById.get(trace.exampleId);
        if (!item || !trace.outputText) return undefined;
        const verdict = matchJudge(item, trace.outputText);
        j1Scores.set(trace.traceId, verdict.score);
        return { ...verdict, name: JUDGE };
      },
    });
    progress.phase(`judge ${JUDGE} j2 (LLM, ${JUDGE_MODEL})`, tasks);
    const j2 = await judgeTraces({
      ...connection,
      filter: { dataset: DATASET },
      judge: { name: JUDGE, version: 'j2', model: JUDGE_MODEL },
      evaluate: async (trace) => {
        try {
          const item = itemsById.get(trace.exampleId);
          if (!item || !trace.outputText) return undefined;
          const res = await openai.chat.completions.create({
            model: JUDGE_MODEL,
            messages: [
              { role: 'system', content: JUDGE_SYSTEM },
              { role: 'user', content: JSON.stringify({ question: item.question, answer: trace.outputText, reference: item.fact }) },
            ],
          });
          const parsed = JSON.parse(res.choices[0]?.message.content ?? '{}') as { score?: number; reason?: string };
          const score = Number(parsed.score);
          j2Scores.set(trace.traceId, score);
          return { score, label: score >= 1 ? 'pass' : 'fail', explanation: parsed.reason, name: JUDGE };
        } finally {
          progress.step();
        }
      },
    });
    evaluations = j1.judged + j2.judged;
    progress.done();
    await telemetry.flush();

    const sampleTraceId = [...j1Scores].find(([id, s]) => j2Scores.has(id) && j2Scores.get(id) !== s)?.[0] ?? null;
    const gate = await client.post<GateResult>('/api/gates/evaluate', gateRequest());
    const release = await releaseHistory(client, gate);
    return { tasks, failedTasks, evaluations, sampleTraceId, gate, release };
  } finally {
    await telemetry.shutdown();
    await llm.close();
  }
}

/** One support answer; a 503 from the model throws, and runExperiment records the task as failed. */
async function ask(openai: OpenAI, prompt: Prompt<Template>, model: string, question: string): Promise<string> {
  const messages = prompt.render({ question }) as Array<{ role: 'system' | 'user'; content: string }>;
  const res = await openai.chat.completions.create({ model, messages, temperature: 0.2, max_tokens: 300 });
  return res.choices[0]?.message.content ?? '';
}

/** Ingest answers 2xx after commit, so this is a check rather than a wait: it fails loudly if a task was lost. */
async function waitForTraces(client: Client, expected: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { triples } = await client.json<z.infer<typeof TriplesResponse>>('/api/triples', { dataset: DATASET });
    const stored = triples.reduce((n, t) => n + t.n_traces, 0);
    if (stored >= expected) return;
    if (Date.now() > deadline) throw new Error(`the collector holds ${stored} of the demo's ${expected} task traces after 30 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const side = (promptVersion: string) => ({
  dataset: DATASET,
  dataset_version: GATED_DATASET_VERSION,
  model: GATED_MODEL,
  prompt: PROMPT,
  prompt_version: promptVersion,
  judge: JUDGE,
  judge_version: 'j1',
});

/** The rules a team would declare for a prompt change: quality must not drop, the rest may not get much worse. */
export function gateRequest(): GateRequest {
  return {
    baseline: side(BASELINE_VERSION),
    candidate: side(CANDIDATE_VERSION),
    rules: [
      { metric: 'score_mean', direction: 'higher_is_better', margin: { absolute: 0.02 }, severity: 'block' },
      { metric: 'success_rate', direction: 'higher_is_better', margin: { absolute: 0.05 }, severity: 'warn' },
      { metric: 'cost_per_success', direction: 'lower_is_better', margin: { relative: 0.1 }, severity: 'warn' },
      { metric: 'latency_ms_p95', direction: 'lower_is_better', margin: { relative: 0.25 }, severity: 'warn' },
    ],
  };
}

const releaseConfig = (promptVersion: string) => {
  const { dataset, dataset_version, model, prompt, prompt_version, judge, judge_version } = side(promptVersion);
  return { model, prompt, prompt_version, dataset, dataset_version, judge, judge_version };
};

/**
 * v1 as it shipped before gates (promoted with an override, which the
 * registry records as such), then v2 registered and promoted on the gate's
 * decision, superseding v1 in production. When the gate did not say promote,
 * v2 stays a candidate, as the registry would insist.
 */
async function releaseHistory(client: Client, gate: GateResult): Promise<Release> {
  const override = { approver: 'demo', reason: 'in production before the team used gates', override: true };
  const v1 = await client.post<Release>('/api/releases', { name: 'support-bot', config: releaseConfig(BASELINE_VERSION), created_by: 'demo', reason: 'the bot as first shipped' });
  type Promoted = { release: Release; superseded: Release[] };
  await client.post<Promoted>(`/api/releases/${v1.id}/promote`, override);
  await client.post<Promoted>(`/api/releases/${v1.id}/promote`, override);
  const v2 = await client.post<Release>('/api/releases', { name: 'support-bot', config: releaseConfig(CANDIDATE_VERSION), created_by: 'demo', reason: 'grounded prompt' });
  if (gate.decision !== 'promote') return v2;
  const evidence = { approver: 'demo', reason: `gate ${gate.decision_id} said promote`, gate_decision_id: gate.decision_id };
  await client.post<Promoted>(`/api/releases/${v2.id}/promote`, evidence);
  return (await client.post<Promoted>(`/api/releases/${v2.id}/promote`, evidence)).release;
}
