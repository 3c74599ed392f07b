import OpenAI from 'openai';
import { init, recordEvaluation, runExperiment, type Telemetry, wrap } from '../../src/index.js';
import { avg } from '../analytics/expected.js';
import { type MockLlm, startMockLlm } from '../sdk/helpers/mock-llm.js';

/**
 * Three runs through the real SDK (runExperiment, a wrapped openai client
 * against a mock LLM, recordEvaluation): base and cand on dataset
 * support@d1, other (base's plan) on support@d2. Tests compute what the runs
 * API and pages must show from PLAN by hand.
 */

export const ITEMS = 12;
export const REPEATS = 2;
export const DATASET = { name: 'support', version: 'd1', examples: Array.from({ length: ITEMS }, (_, i) => ({ id: itemId(i), input: `question ${i}` })) };
const prompt = { name: 'answer', version: 'v1' };

export function itemId(i: number): string {
  return `q${String(i).padStart(2, '0')}`;
}

/** A run's success and score on item i, repeat r (1-based). */
export const PLAN = {
  base: { temperature: 0.2, success: (i: number) => i < 9, score: (i: number, r: number) => ((i * 7) % 10) / 10 + (r === 1 ? 0 : 0.05) },
  cand: { temperature: 0.7, success: (i: number) => i < 10 && i !== 3, score: (i: number, r: number) => ((i * 3) % 10) / 10 + (r === 1 ? 0.1 : 0) },
} as const;
export type RunName = keyof typeof PLAN;

/** Per item: the mean over repeats of f. */
export const perItem = (f: (i: number, r: number) => number) => Array.from({ length: ITEMS }, (_, i) => avg(Array.from({ length: REPEATS }, (_, r) => f(i, r + 1))));

async function run(name: RunName | 'other', openai: OpenAI, datasetVersion: string) {
  const plan = PLAN[name === 'other' ? 'base' : name];
  const summary = await runExperiment({ dataset: { ...DATASET, version: datasetVersion }, prompt, repeats: REPEATS, runId: name }, async (example, t) => {
    const res = await openai.chat.completions.create({ model: 'gpt-4o-mini', temperature: plan.temperature, messages: [{ role: 'user', content: String(example.input) }] });
    t.success(plan.success(Number(example.id!.slice(1))));
    return res.choices[0]?.message.content;
  });
  for (const r of summary.results) {
    const score = plan.score(Number(r.exampleId.slice(1)), r.repeat);
    recordEvaluation({ target: { traceId: r.traceId, spanId: r.spanId }, judge: { name: 'grader', version: 'g1' }, score, label: score >= 0.5 ? 'pass' : 'fail' });
  }
}

/** Sends the three runs (base, cand, other, in that order) to the collector at `url`; resolves once they are stored. */
export async function sendRuns(url: string, apiKey: string | undefined): Promise<{ telemetry: Telemetry; llm: MockLlm }> {
  const llm = await startMockLlm();
  const telemetry = init({ endpoint: url, apiKey, serviceName: 'runs-app', seed: 7, resourceAttributes: { 'evaltrace.code.version': 'abc123' } });
  const openai = wrap(new OpenAI({ apiKey: 'test', baseURL: llm.openaiURL, maxRetries: 0 }));
  await run('base', openai, DATASET.version);
  await run('cand', openai, DATASET.version);
  await run('other', openai, 'd2');
  await telemetry.flush();
  return { telemetry, llm };
}
