import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { ATTR } from '@evaltrace/semantic-conventions';
import { type StoredTrace, type Telemetry, init, judgeTraces, task, wrap } from '../../src/index.js';
import { getJson, startTestCollector } from '../helpers/collector.js';
import { type MockLlm, startMockLlm } from './helpers/mock-llm.js';

/** judgeTraces against the real collector: listing, paging, filters, judge traces. */

let collector: RunningCollector;
let llm: MockLlm;
let telemetry: Telemetry;
let client: OpenAI;

const dataset = { name: 'trivia', version: '1' };
const V1 = { name: 'answer', version: 'v1' };
const V2 = { name: 'answer', version: 'v2' };
const N_V1 = 105; // more than one listing page (100)
const N_V2 = 3;

beforeAll(async () => {
  collector = await startTestCollector();
  llm = await startMockLlm();
  telemetry = init({ endpoint: collector.url });
  client = wrap(new OpenAI({ apiKey: 'test', baseURL: llm.openaiURL, maxRetries: 0 }));
  const run = (prompt: typeof V1, i: number, withInput: boolean) =>
    task({ dataset, prompt, exampleId: `q${i}`, runId: 'r1', ...(withInput ? { input: `question ${i}` } : {}) }, () =>
      client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `question ${i}` }] }),
    );
  await Promise.all(Array.from({ length: N_V1 }, (_, i) => run(V1, i, true)));
  await Promise.all(Array.from({ length: N_V2 }, (_, i) => run(V2, i, false)));
}, 60_000);

afterAll(async () => {
  await telemetry.shutdown();
  await llm.close();
  await collector.close();
});

const judge = { name: 'exactness', version: 'j1', model: 'gpt-4o-mini' };

describe('judgeTraces()', () => {
  it('judges every stored trace that matches the filter exactly once, across listing pages', async () => {
    const seen: StoredTrace[] = [];
    const summary = await judgeTraces({
      filter: { dataset: 'trivia', datasetVersion: '1', prompt: 'answer', promptVersion: 'v1' },
      judge,
      evaluate: (trace) => {
        seen.push(trace);
        return { score: 1, label: 'pass' };
      },
    });
    expect(summary).toEqual({ judged: N_V1, skipped: 0, failed: 0, errors: [] });
    expect(new Set(seen.map((t) => t.traceId)).size).toBe(N_V1);
    expect(new Set(seen.map((t) => t.exampleId)).size).toBe(N_V1);
    for (const t of seen) expect(t).toMatchObject({ dataset: 'trivia', datasetVersion: '1', promptVersion: 'v1', model: 'gpt-4o-mini', runId: 'r1' });
  });

  it('hands evaluate the captured input (the task’s, else the first LLM call’s) and output text', async () => {
    const seen: StoredTrace[] = [];
    await judgeTraces({ filter: { promptVersion: 'v1', limit: 1 }, judge, evaluate: (t) => void seen.push(t) });
    await judgeTraces({ filter: { promptVersion: 'v2', limit: 1 }, judge, evaluate: (t) => void seen.push(t) });
    const [withTaskInput, withLlmInput] = seen;
    const n1 = withTaskInput?.exampleId.slice(1);
    expect(withTaskInput?.input).toBe(`question ${n1}`);
    expect(withTaskInput?.inputText).toBe(`question ${n1}`);
    expect(withTaskInput?.outputText).toBe(`Answer: question ${n1}`);
    const n2 = withLlmInput?.exampleId.slice(1);
    expect(withLlmInput?.input).toEqual([{ role: 'user', parts: [{ type: 'text', content: `question ${n2}` }] }]);
    expect(withLlmInput?.inputText).toBe(`question ${n2}`);
    expect(withLlmInput?.outputText).toBe(`Answer: question ${n2}`);
  });

  it('runs at most `concurrency` evaluations at once', async () => {
    let inFlight = 0;
    let peak = 0;
    await judgeTraces({
      filter: { promptVersion: 'v1', limit: 20 },
      judge,
      concurrency: 3,
      evaluate: async () => {
        peak = Math.max(peak, ++inFlight);
        await sleep(5);
        inFlight--;
        return { score: 0.5 };
      },
    });
    expect(peak).toBe(3);
  });

  it('records judge LLM calls in the evaluation’s own trace, marked with the judge, never as task cost', async () => {
    const judgeV = { ...judge, version: 'j-llm' };
    await judgeTraces({
      filter: { promptVersion: 'v2' },
      judge: judgeV,
      evaluate: async (t) => {
        const verdict = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `grade: ${t.outputText}` }] });
        return { score: 1, explanation: verdict.choices[0]?.message.content ?? '' };
      },
    });
    const { body: listing } = await getJson(collector, '/api/traces?prompt_version=v2');
    expect(listing.traces).toHaveLength(N_V2);
    const { body: target } = await getJson(collector, `/api/traces/${listing.traces[0].trace_id}`);
    const evaluation = target.evaluations.find((e: { judge_version: string }) => e.judge_version === 'j-llm');
    expect(evaluation).toMatchObject({ judge: 'exactness', score: 1, target_span_id: listing.traces[0].span_id });
    expect(evaluation.explanation).toMatch(/^Answer: grade: Answer: question \d+$/);
    // The task's own tokens are its one LLM call; the judge's call lives in the evaluation trace.
    expect(target.input_tokens).toBe(20);
    const { body: judgeTrace } = await getJson(collector, `/api/traces/${evaluation.evaluation_trace_id}`);
    expect(judgeTrace.is_task).toBe(false);
    const judgeCall = judgeTrace.spans.find((s: { name: string }) => s.name === 'chat gpt-4o-mini');
    expect(judgeCall.attributes[ATTR.judgeName]).toBe('exactness');
    expect(judgeCall.attributes[ATTR.judgeVersion]).toBe('j-llm');
    expect(judgeCall.parent_span_id).toBe(evaluation.evaluation_span_id);
  });

  it('counts a failing evaluate and a skipped trace, and judges the rest', async () => {
    let calls = 0;
    const summary = await judgeTraces({
      filter: { promptVersion: 'v1', limit: 6 },
      judge: { ...judge, version: 'j-flaky' },
      concurrency: 1,
      evaluate: () => {
        calls += 1;
        if (calls === 2) throw new Error('judge crashed');
        if (calls === 3) return undefined;
        return { label: 'fail' };
      },
    });
    expect(summary).toMatchObject({ judged: 4, skipped: 1, failed: 1 });
    expect((summary.errors[0]!.error as Error).message).toBe('judge crashed');
  });

  it('rejects an incomplete judge or a non-positive concurrency before judging anything', async () => {
    let called = false;
    const evaluate = () => {
      called = true;
      return { score: 1 };
    };
    await expect(judgeTraces({ judge: { name: 'j' } as never, evaluate })).rejects.toThrow(TypeError);
    await expect(judgeTraces({ judge, evaluate, concurrency: 0 })).rejects.toThrow(RangeError);
    expect(called).toBe(false);
  });

  it('rejects when the collector cannot list traces', async () => {
    await expect(judgeTraces({ endpoint: `${collector.url}/nowhere`, judge, evaluate: () => ({ score: 1 }) })).rejects.toThrow(/HTTP 404/);
  });
});
