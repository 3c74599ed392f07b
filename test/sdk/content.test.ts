import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ATTR } from '@evaltrace/semantic-conventions';
import { MAX_CONTENT_CHARS } from '../../src/content.js';
import { task, wrap } from '../../src/index.js';
import { type MockLlm, startMockLlm } from './helpers/mock-llm.js';
import { type TestTelemetry, initInMemory, only } from './helpers/telemetry.js';

let llm: MockLlm;
let otel: TestTelemetry | undefined;
beforeAll(async () => {
  llm = await startMockLlm();
});
afterAll(() => llm.close());
afterEach(() => otel?.shutdown());

const client = () => wrap(new OpenAI({ apiKey: 'test', baseURL: llm.openaiURL, maxRetries: 0 }));
const ask = (c: OpenAI, content: string) => c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });

describe('content capture', () => {
  it('records no prompts, outputs or task input/output with captureContent: false, but still tokens and cost', async () => {
    otel = initInMemory({ captureContent: false });
    const c = client();
    await task({ exampleId: 'e', input: 'secret question' }, async (t) => {
      const res = await ask(c, 'secret question');
      t.output(res.choices[0]?.message.content);
    });
    const spans = await otel.spans(2);
    for (const s of spans) {
      for (const key of [ATTR.inputMessages, ATTR.outputMessages, ATTR.taskInput, ATTR.taskOutput]) {
        expect(s.attributes[key], `${s.name} ${key}`).toBeUndefined();
      }
    }
    expect(spans.find((s) => s.name !== 'task')?.attributes[ATTR.costUsd]).toBeGreaterThan(0);
  });

  it('passes every captured text through redact()', async () => {
    otel = initInMemory({ redact: (text) => text.replace(/\b\d{3}-\d{2}-\d{4}\b/g, '[SSN]') });
    const c = client();
    await task({ exampleId: 'e', input: 'SSN 123-45-6789' }, () => ask(c, 'my SSN is 123-45-6789'));
    const spans = await otel.spans(2);
    const dump = JSON.stringify(spans.map((s) => s.attributes));
    expect(dump).not.toContain('123-45-6789');
    const call = spans.find((s) => s.name !== 'task');
    expect(JSON.parse(String(call?.attributes[ATTR.inputMessages]))[0].parts[0].content).toBe('my SSN is [SSN]');
    expect(JSON.parse(String(call?.attributes[ATTR.outputMessages]))[0].parts[0].content).toBe('Answer: my SSN is [SSN]');
    expect(spans.find((s) => s.name === 'task')?.attributes[ATTR.taskInput]).toBe('SSN [SSN]');
  });

  it('drops the content, not the call, when redact() throws', async () => {
    otel = initInMemory({
      redact: () => {
        throw new Error('redactor bug');
      },
    });
    const res = await ask(client(), 'hi');
    expect(res.choices[0]?.message.content).toBe('Answer: hi');
    const span = only(await otel.spans(1));
    expect(span.attributes[ATTR.inputMessages]).toBeUndefined();
    expect(span.attributes[ATTR.outputTokens]).toBeGreaterThan(0);
  });

  it('trims the longest texts so the stored JSON stays parseable under the size limit', async () => {
    otel = initInMemory();
    const long = 'x'.repeat(3 * MAX_CONTENT_CHARS);
    await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'short system prompt' },
        { role: 'user', content: long },
      ],
    });
    const span = only(await otel.spans(1));
    const json = String(span.attributes[ATTR.inputMessages]);
    expect(json.length).toBeLessThanOrEqual(MAX_CONTENT_CHARS);
    const messages = JSON.parse(json);
    expect(messages[0].parts[0].content).toBe('short system prompt');
    expect(messages[1].parts[0].content).toMatch(/^x+…\[truncated\]$/);
  });
});
