import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { costUsd } from '@evaltrace/semantic-conventions';
import { type Telemetry, definePrompt, init, judgeTraces, task, wrap } from '../../src/index.js';
import { startTestCollector } from '../helpers/collector.js';
import { type MockLlm, USAGE, snapshotOf, startMockLlm } from './helpers/mock-llm.js';

/**
 * The app a new user writes: init + wrap once, tasks for two prompt versions
 * over one dataset (one version streaming, one on Anthropic), two judge
 * versions via judgeTraces; then the real collector's /api/triples.
 */

const API_KEY = 'k-e2e';
let collector: RunningCollector;
let llm: MockLlm;
let telemetry: Telemetry;

const examples = [
  { id: 'fr', question: 'Capital of France?', answer: 'Paris' },
  { id: 'de', question: 'Capital of Germany?', answer: 'Berlin' },
  { id: 'it', question: 'Capital of Italy?', answer: 'Rome' },
  { id: 'es', question: 'Capital of Spain?', answer: 'Madrid' },
];
const dataset = { name: 'capitals', version: '2026-10' };
const v1 = definePrompt({ name: 'capital', version: 'v1', template: '{{question}}' });
const v2 = definePrompt({ name: 'capital', template: 'Answer with one word. {{question}}' });
const judgeV1 = { name: 'mentions-answer', version: 'j1' };
const judgeV2 = { name: 'mentions-answer', version: 'j2', model: 'gpt-4o-mini' };

async function api(path: string) {
  const res = await fetch(collector.url + path, { headers: { Authorization: `Bearer ${API_KEY}` } });
  expect(res.status, path).toBe(200);
  return res.json() as Promise<any>;
}

beforeAll(async () => {
  collector = await startTestCollector({ env: { EVALTRACE_API_KEYS: `${API_KEY}:acme` } });
  llm = await startMockLlm();
  telemetry = init({ endpoint: collector.url, apiKey: API_KEY, serviceName: 'capitals-app', seed: 1 });
  const openai = wrap(new OpenAI({ apiKey: 'test', baseURL: llm.openaiURL, maxRetries: 0 }));
  const anthropic = wrap(new Anthropic({ apiKey: 'test', baseURL: llm.anthropicURL, maxRetries: 0 }));

  for (const ex of examples) {
    await task({ dataset, exampleId: ex.id }, async (t) => {
      const res = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: v1.render(ex) }] });
      t.success(res.choices[0]?.message.content?.includes(ex.question) ?? false);
    });
    await task({ dataset, exampleId: ex.id, prompt: v2 }, async (t) => {
      const stream = await openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: v2.render(ex) }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      t.success(ex.id !== 'es' && text.length > 0);
    });
    await task({ dataset, exampleId: ex.id, prompt: v2 }, async (t) => {
      const msg = await anthropic.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user', content: v2.render(ex) }] }).finalMessage();
      t.success(msg.stop_reason === 'end_turn');
    });
  }

  // Judge j1 scores by rule; j2 asks an LLM (its calls are judge calls, not task cost) and is stricter on v2.
  const byId = new Map(examples.map((e) => [e.id, e]));
  await judgeTraces({
    filter: { dataset: dataset.name, datasetVersion: dataset.version },
    judge: judgeV1,
    evaluate: (trace) => ({ score: trace.outputText.includes(byId.get(trace.exampleId)?.question ?? '?') ? 1 : 0, label: 'pass' }),
  });
  await judgeTraces({
    filter: { dataset: dataset.name },
    judge: judgeV2,
    evaluate: async (trace) => {
      await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Grade: ${trace.outputText}` }] });
      return trace.promptVersion === 'v1' ? { score: 0.75, label: 'pass' } : { score: 0.25, label: 'fail' };
    },
  });
  await telemetry.flush();
}, 60_000);

afterAll(async () => {
  await telemetry.shutdown();
  await llm.close();
  await collector.close();
});

const n = examples.length;
const oa = USAGE.openai;
const an = USAGE.anthropic;
const openaiCost = costUsd(snapshotOf('gpt-4o-mini'), { inputTokens: oa.prompt, outputTokens: oa.completion, cacheReadTokens: oa.cached }) ?? NaN;
const anthropicInput = an.input + an.cacheRead + an.cacheWrite;
const anthropicCost =
  costUsd(snapshotOf('claude-haiku-4-5'), { inputTokens: anthropicInput, outputTokens: an.output, cacheReadTokens: an.cacheRead, cacheWriteTokens: an.cacheWrite }) ?? NaN;

describe('SDK → collector end to end', () => {
  it('reports one triple per (dataset, model, prompt version) with the right counts, tokens, cost and success', async () => {
    const { triples } = await api('/api/triples');
    const key = (t: any) => `${t.model}|${t.prompt}@${t.prompt_version}`;
    expect(triples.map(key).sort()).toEqual(
      [`claude-haiku-4-5|capital@${v2.version}`, `gpt-4o-mini|capital@${v2.version}`, 'gpt-4o-mini|capital@v1'].sort(),
    );
    const get = (model: string, version: string) => triples.find((t: any) => t.model === model && t.prompt_version === version);
    const expectations = [
      { t: get('gpt-4o-mini', 'v1'), input: oa.prompt, output: oa.completion, cost: openaiCost, success: n },
      { t: get('gpt-4o-mini', v2.version), input: oa.prompt, output: oa.completion, cost: openaiCost, success: n - 1 },
      { t: get('claude-haiku-4-5', v2.version), input: anthropicInput, output: an.output, cost: anthropicCost, success: n },
    ];
    for (const e of expectations) {
      expect(e.t).toMatchObject({ dataset: 'capitals', dataset_version: '2026-10', n_traces: n, n_success: e.success, n_errors: 0 });
      expect(e.t.input_tokens).toBe(n * e.input);
      expect(e.t.output_tokens).toBe(n * e.output);
      expect(e.t.cost_usd).toBeCloseTo(n * e.cost, 12);
      expect(e.t.cost_per_success).toBeCloseTo((n * e.cost) / e.success, 12);
    }
  });

  it('reports both judge versions on every triple', async () => {
    const { triples } = await api('/api/triples');
    for (const t of triples) {
      const j1 = t.judges.find((j: any) => j.judge_version === 'j1');
      const j2 = t.judges.find((j: any) => j.judge_version === 'j2');
      expect(j1).toMatchObject({ judge: 'mentions-answer', evaluation: 'quality', n_scored: n, score_mean: 1, pass_rate: 1 });
      const strict = t.prompt_version === 'v1';
      expect(j2).toMatchObject({ n_scored: n, score_mean: strict ? 0.75 : 0.25, pass_rate: strict ? 1 : 0 });
    }
  });

  it('keeps the envelope and both evaluations on each stored trace', async () => {
    const { traces } = await api('/api/traces?prompt_version=v1&limit=1');
    const trace = await api(`/api/traces/${traces[0].trace_id}`);
    expect(trace.evaluations.map((e: any) => e.judge_version).sort()).toEqual(['j1', 'j2']);
    expect(trace.evaluations.find((e: any) => e.judge_version === 'j2').judge_model).toBe('gpt-4o-mini');
    const root = trace.spans.find((s: any) => s.name === 'task');
    expect(root.resource_attributes).toMatchObject({ 'service.name': 'capitals-app', 'evaltrace.seed': '1' });
    expect(root.resource_attributes['evaltrace.env.dependencies_hash']).toMatch(/^[0-9a-f]{64}$/);
  });
});
