import Anthropic from '@anthropic-ai/sdk';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ATTR, costUsd } from '@evaltrace/semantic-conventions';
import { task, wrap } from '../../src/index.js';
import { type MockLlm, USAGE, snapshotOf, startMockLlm } from './helpers/mock-llm.js';
import { type TestTelemetry, initInMemory, only } from './helpers/telemetry.js';

let llm: MockLlm;
let otel: TestTelemetry;
let client: Anthropic;

beforeAll(async () => {
  llm = await startMockLlm();
  otel = initInMemory();
  client = wrap(new Anthropic({ apiKey: 'test', baseURL: llm.anthropicURL, maxRetries: 0 }));
});
afterAll(async () => {
  await otel.shutdown();
  await llm.close();
});
beforeEach(() => otel.reset());

const MODEL = 'claude-haiku-4-5';
const params = { model: MODEL, max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user' as const, content: 'Hello?' }] };
const u = USAGE.anthropic;
/** Anthropic's input_tokens exclude cache reads and writes; the contract's include them. */
const totalInput = u.input + u.cacheRead + u.cacheWrite;

function expectUsageAndCost(attributes: Record<string, unknown>) {
  expect(attributes).toMatchObject({
    [ATTR.inputTokens]: totalInput,
    [ATTR.outputTokens]: u.output,
    [ATTR.cacheReadTokens]: u.cacheRead,
    [ATTR.cacheWriteTokens]: u.cacheWrite,
  });
  const expected = costUsd(MODEL, { inputTokens: totalInput, outputTokens: u.output, cacheReadTokens: u.cacheRead, cacheWriteTokens: u.cacheWrite });
  expect(attributes[ATTR.costUsd]).toBeCloseTo(expected ?? NaN, 15);
}

describe('wrap(anthropic) messages.create', () => {
  it('records one CLIENT span with provider anthropic, cache-inclusive input tokens and cost', async () => {
    const msg = await client.messages.create(params);
    expect(msg.content).toEqual([{ type: 'text', text: 'Answer: Hello?' }]);
    const span = only(await otel.spans(1));
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      [ATTR.operationName]: 'chat',
      [ATTR.providerName]: 'anthropic',
      [ATTR.requestModel]: MODEL,
      [ATTR.responseModel]: snapshotOf(MODEL),
      [ATTR.responseId]: 'msg_mock',
      [ATTR.finishReasons]: ['end_turn'],
    });
    expectUsageAndCost(span.attributes);
    expect(JSON.parse(String(span.attributes[ATTR.inputMessages]))).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Hello?' }] },
    ]);
    expect(JSON.parse(String(span.attributes[ATTR.outputMessages]))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Answer: Hello?' }], finish_reason: 'end_turn' },
    ]);
  });

  it('emits no second span: the SDK’s own OpenTelemetry span for the call is suppressed', async () => {
    // Control: unwrapped, this SDK version traces the call itself, which would double its tokens.
    const unwrapped = new Anthropic({ apiKey: 'test', baseURL: llm.anthropicURL, maxRetries: 0 });
    await task({ exampleId: 'e0' }, () => unwrapped.messages.create(params));
    expect((await otel.spans(2)).map((s) => s.name).sort()).toEqual(['anthropic.messages.create', 'task']);
    await otel.reset();

    await task({ exampleId: 'e1' }, () => client.messages.create(params));
    const spans = await otel.spans(2);
    expect(spans.map((s) => s.name).sort()).toEqual([`chat ${MODEL}`, 'task']);
  });

  it('takes stream usage from message_start and message_delta', async () => {
    const stream = await client.messages.create({ ...params, stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toContain('message_delta');
    const span = only(await otel.spans(1));
    expectUsageAndCost(span.attributes);
    expect(span.attributes[ATTR.finishReasons]).toEqual(['end_turn']);
    expect(JSON.parse(String(span.attributes[ATTR.outputMessages]))[0].parts).toEqual([{ type: 'text', content: 'Answer: Hello?' }]);
  });

  it('records exactly one span for the messages.stream() helper, parented where the app called it', async () => {
    const text = await task({ exampleId: 'e2' }, async () => {
      const stream = client.messages.stream(params);
      return (await stream.finalMessage()).content;
    });
    expect(text).toEqual([{ type: 'text', text: 'Answer: Hello?' }]);
    const spans = await otel.spans(2);
    expect(spans.map((s) => s.name).sort()).toEqual([`chat ${MODEL}`, 'task']);
    const llmSpan = spans.find((s) => s.name !== 'task');
    const root = spans.find((s) => s.name === 'task');
    expect(llmSpan?.parentSpanContext?.spanId).toBe(root?.spanContext().spanId);
    expect(llmSpan?.attributes[ATTR.exampleId]).toBe('e2');
    expectUsageAndCost(llmSpan?.attributes ?? {});
  });

  it('leaves the app’s own spans in messages.stream() event callbacks recorded, under the task', async () => {
    await task({ exampleId: 'e3' }, async () => {
      const stream = client.messages.stream(params);
      let once = false;
      stream.on('text', () => {
        if (!once) trace.getTracer('my-app').startSpan('on-text').end();
        once = true;
      });
      await stream.finalMessage();
    });
    const spans = await otel.spans(3);
    const onText = spans.find((s) => s.name === 'on-text');
    expect(onText?.attributes[ATTR.exampleId]).toBe('e3');
    expect(onText?.parentSpanContext?.spanId).toBe(spans.find((s) => s.name === 'task')?.spanContext().spanId);
  });

  it('records tool use blocks as tool calls', async () => {
    await client.messages.create({
      ...params,
      messages: [
        { role: 'user', content: 'Look it up' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'lookup', input: { q: 'x' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'found' }] },
      ],
    });
    const input = JSON.parse(String(only(await otel.spans(1)).attributes[ATTR.inputMessages]));
    expect(input[2].parts).toEqual([{ type: 'tool_call', id: 't1', name: 'lookup', arguments: '{"q":"x"}' }]);
    expect(input[3].parts).toEqual([{ type: 'tool_call_response', id: 't1', response: 'found' }]);
  });

  it.each([
    [400, 'BadRequestError', 'invalid_request_error'],
    [429, 'RateLimitError', 'rate_limit_error'],
    [500, 'InternalServerError', 'api_error'],
  ])('records HTTP %i as an ERROR span (%s) and re-throws the SDK error', async (status, cls, type) => {
    llm.enqueue({ status, json: { type: 'error', error: { type, message: `failed ${status}` } } });
    const err = await client.messages.create(params).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(status);
    const span = only(await otel.spans(1));
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ATTR.errorType]).toBe(cls);
  });

  it('records an error event inside a stream', async () => {
    llm.enqueue({ sse: `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })}\n\n` });
    const stream = await client.messages.create({ ...params, stream: true });
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toThrow(/Overloaded/);
    const span = only(await otel.spans(1));
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ATTR.errorType]).toBe('overloaded_error');
  });

  it('records an error thrown synchronously by the SDK and re-throws the same error', () => {
    // Without streaming, the SDK refuses a max_tokens this large before sending anything.
    let thrown: unknown;
    try {
      void client.messages.create({ ...params, max_tokens: 1_000_000 });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Error);
    return otel.spans(1).then((spans) => {
      const span = only(spans);
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.status.message).toBe((thrown as Error).message);
    });
  });
});
