import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { datasets, defineJudge, init, judgeTraces, parseVerdict, runExperiment, type Telemetry, TEMPLATES, wrap } from '../../src/index.js';
import { startTestCollector } from '../helpers/collector.js';

describe('parseVerdict reads what models reply', () => {
  it('takes JSON (also fenced or amid prose), else the first number, else a pass/fail word', () => {
    expect(parseVerdict('{"score": 0.8, "label": "pass", "explanation": "right"}')).toEqual({ score: 0.8, label: 'pass', explanation: 'right' });
    expect(parseVerdict('Sure!\n```json\n{"score": "0.25", "label": "fail"}\n```')).toMatchObject({ score: 0.25, label: 'fail' });
    expect(parseVerdict('Score: 0.6 — mostly correct')).toMatchObject({ score: 0.6, label: 'pass' });
    expect(parseVerdict('This answer is wrong.')).toMatchObject({ label: 'fail' });
    expect(parseVerdict('I cannot tell.')).toBeUndefined();
  });
});

/** A judge model: passes answers that contain the expected answer, in JSON; replies in prose to anything else. */
function judgeModel(): Promise<{ url: string; prompts: string[]; server: Server }> {
  const prompts: string[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw) as { model: string; messages: Array<{ content: string }> };
      const prompt = body.messages.at(-1)!.content;
      prompts.push(prompt);
      const expected = /Expected answer: (.*)/.exec(prompt)?.[1] ?? '';
      const answer = /\nAnswer: (.*)/.exec(prompt)?.[1] ?? '';
      const content = answer.includes(expected) ? '{"score": 1, "label": "pass", "explanation": "states the expected answer"}' : 'Score: 0.1. The answer is wrong.';
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'chatcmpl-judge', object: 'chat.completion', created: 1_700_000_000, model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
          usage: { prompt_tokens: 40, completion_tokens: 12, total_tokens: 52 },
        }),
      );
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, prompts, server })));
}

describe('defineJudge over stored traces', () => {
  let collector: RunningCollector;
  let telemetry: Telemetry;
  let model: Awaited<ReturnType<typeof judgeModel>>;
  beforeAll(async () => {
    collector = await startTestCollector();
    model = await judgeModel();
    telemetry = init({ endpoint: collector.url, serviceName: 'llm-judge' });
  });
  afterAll(async () => {
    await telemetry?.shutdown();
    model?.server.close();
    await collector?.close();
  });

  it('versions the judge by template, model, params and parser', () => {
    const client = wrap(new OpenAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:1/v1' }));
    const base = { name: 'correctness', model: 'gpt-4.1-nano', client, template: TEMPLATES.correctness };
    const v = defineJudge(base).judge.version;
    expect(v).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(defineJudge(base).judge.version).toBe(v);
    expect(defineJudge({ ...base, params: { temperature: 0 } }).judge.version).not.toBe(v);
    expect(defineJudge({ ...base, model: 'gpt-4o' }).judge.version).not.toBe(v);
    expect(defineJudge({ ...base, template: TEMPLATES.helpfulness }).judge.version).not.toBe(v);
  });

  it('renders each trace with its expected answer, asks the model, records the verdicts and the judge call in the evaluation trace', async () => {
    const items = [
      { id: 'fr', input: 'Capital of France?', expected: 'Paris' },
      { id: 'de', input: 'Capital of Germany?', expected: 'Berlin' },
      { id: 'it', input: 'Capital of Italy?', expected: 'Rome' },
    ];
    await datasets.push('capitals', items, { label: 'v1' });
    const dataset = await datasets.get('capitals', 'v1');
    const answers: Record<string, string> = { fr: 'It is Paris.', de: 'It is Berlin.', it: 'It is Milan.' };
    await runExperiment({ dataset, runId: 'llm' }, (example, t) => {
      t.output(answers[example.id]!);
    });
    // A trace of a dataset the collector does not store has no expected answer: a template that needs one skips it.
    await runExperiment({ dataset: { name: 'capitals', version: 'in-code', examples: [{ id: 'pt', input: 'Capital of Portugal?', expected: 'Lisbon' }] }, runId: 'unstored' }, (_, t) => {
      t.output('Lisbon');
    });
    await telemetry.flush();
    const taskCost = async () => ((await (await fetch(`${collector.url}/api/triples?dataset=capitals`)).json()) as any).triples.map((t: any) => t.cost_usd);
    const costBefore = await taskCost();
    const client = wrap(new OpenAI({ apiKey: 'k', baseURL: model.url, maxRetries: 0 }));
    // No `expected`: the judge reads each trace's item from the stored dataset version it ran on.
    const judge = defineJudge({ name: 'correctness', model: 'gpt-4.1-nano', client, template: TEMPLATES.correctness, params: { temperature: 0 } });
    expect(await judgeTraces({ filter: { dataset: 'capitals' }, ...judge })).toMatchObject({ judged: 3, skipped: 1, failed: 0 });
    await telemetry.flush();
    expect(model.prompts.find((p) => p.includes('Capital of France?'))).toContain('Expected answer: Paris');
    expect(model.prompts.some((p) => p.includes('Portugal'))).toBe(false);
    // The judge's calls are priced in their own traces; the tasks' cost stays what the tasks spent.
    expect(await taskCost()).toEqual(costBefore);

    const { triples } = (await (await fetch(`${collector.url}/api/triples?judge=correctness&judge_version=${judge.judge.version}&dataset_version=${dataset.contentHash}`)).json()) as any;
    expect(triples[0].judges[0]).toMatchObject({ n_scored: 3, n_labeled: 3, pass_rate: 2 / 3 });
    expect(triples[0].judges[0].score_mean).toBeCloseTo((1 + 1 + 0.1) / 3, 12);
    const { traces } = (await (await fetch(`${collector.url}/api/traces?dataset=capitals&run=llm`)).json()) as any;
    const trace = (await (await fetch(`${collector.url}/api/traces/${traces[0].trace_id}`)).json()) as any;
    const evaluation = trace.evaluations.find((e: any) => e.judge === 'correctness');
    expect(evaluation).toMatchObject({ judge_version: judge.judge.version, judge_model: 'gpt-4.1-nano' });
    const judgeTrace = (await (await fetch(`${collector.url}/api/traces/${evaluation.evaluation_trace_id}`)).json()) as any;
    const call = judgeTrace.spans.find((s: any) => s.is_llm && s.model === 'gpt-4.1-nano');
    expect(call.cost_usd).toBeGreaterThan(0);
  });
});
