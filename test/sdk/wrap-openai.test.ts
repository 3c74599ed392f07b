import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { ATTR, costUsd } from '@evaltrace/semantic-conventions';
import { wrap } from '../../src/index.js';
import { USAGE, snapshotOf } from './helpers/mock-llm.js';
import { only } from './helpers/telemetry.js';
import { useWrapped } from './helpers/wrapped.js';


const w = useWrapped();

const question = [{ role: 'user' as const, content: 'What is 2+2?' }];

describe('wrap(openai) chat.completions.create', () => {
  it('returns the same w.client object, instrumented in place', () => {
    const raw = new OpenAI({ apiKey: 'test', baseURL: w.llm.openaiURL });
    expect(wrap(raw)).toBe(raw);
  });

  it('records one CLIENT span named "chat {model}" with gen_ai attributes, tokens and cost', async () => {
    const res = await w.client.chat.completions.create({ model: 'gpt-4o-mini', messages: question });
    expect(res.choices[0]?.message.content).toBe('Answer: What is 2+2?');
    const span = only(await w.otel.spans(1));
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    const u = USAGE.openai;
    expect(span.attributes).toMatchObject({
      [ATTR.operationName]: 'chat',
      [ATTR.providerName]: 'openai',
      [ATTR.requestModel]: 'gpt-4o-mini',
      [ATTR.responseModel]: snapshotOf('gpt-4o-mini'),
      [ATTR.responseId]: 'chatcmpl-mock',
      [ATTR.finishReasons]: ['stop'],
      [ATTR.inputTokens]: u.prompt,
      [ATTR.outputTokens]: u.completion,
      [ATTR.cacheReadTokens]: u.cached,
    });
    const expected = costUsd('gpt-4o-mini', { inputTokens: u.prompt, outputTokens: u.completion, cacheReadTokens: u.cached });
    expect(span.attributes[ATTR.costUsd]).toBeCloseTo(expected ?? NaN, 15);
  });

  it('has flush() wait for a call whose response arrived but whose body the span is still reading', async () => {
    w.llm.enqueue({ bodyDelayMs: 200 });
    const response = await w.client.chat.completions.create({ model: 'gpt-4o-mini', messages: question }).asResponse();
    expect(response.status).toBe(200);
    await w.otel.handle.flush();
    const span = only(w.otel.exporter.getFinishedSpans());
    expect(span.attributes[ATTR.outputTokens]).toBe(USAGE.openai.completion);
  });

  it('captures input and output messages as semconv JSON', async () => {
    await w.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'system', content: 'Be brief.' }, ...question],
    });
    const span = only(await w.otel.spans(1));
    expect(JSON.parse(String(span.attributes[ATTR.inputMessages]))).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'What is 2+2?' }] },
    ]);
    expect(JSON.parse(String(span.attributes[ATTR.outputMessages]))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Answer: What is 2+2?' }], finish_reason: 'stop' },
    ]);
  });

  it('records tool calls in the output and tool results in the input', async () => {
    await w.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        ...question,
        { role: 'assistant', content: null, tool_calls: [{ id: 'c0', type: 'function', function: { name: 'calc', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c0', content: '4' },
      ],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
    });
    const span = only(await w.otel.spans(1));
    const input = JSON.parse(String(span.attributes[ATTR.inputMessages]));
    expect(input[1].parts).toEqual([{ type: 'tool_call', id: 'c0', name: 'calc', arguments: '{}' }]);
    expect(input[2]).toEqual({ role: 'tool', parts: [{ type: 'tool_call_response', id: 'c0', response: '4' }] });
    expect(JSON.parse(String(span.attributes[ATTR.outputMessages]))[0].parts).toEqual([
      { type: 'tool_call', id: 'call_1', name: 'lookup', arguments: '{"q":"x"}' },
    ]);
    expect(span.attributes[ATTR.finishReasons]).toEqual(['tool_calls']);
  });

  it('takes token usage of a stream from its final usage chunk (stream_options.include_usage)', async () => {
    const stream = await w.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: question,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Answer: What is 2+2?');
    const span = only(await w.otel.spans(1));
    expect(span.attributes).toMatchObject({
      [ATTR.responseId]: 'chatcmpl-mock',
      [ATTR.responseModel]: snapshotOf('gpt-4o-mini'),
      [ATTR.inputTokens]: USAGE.openai.prompt,
      [ATTR.outputTokens]: USAGE.openai.completion,
      [ATTR.cacheReadTokens]: USAGE.openai.cached,
      [ATTR.finishReasons]: ['stop'],
    });
    expect(span.attributes[ATTR.costUsd]).toBeGreaterThan(0);
    expect(JSON.parse(String(span.attributes[ATTR.outputMessages]))[0].parts).toEqual([{ type: 'text', content: 'Answer: What is 2+2?' }]);
  });

  it('leaves tokens and cost unset for a stream without usage, rather than recording zero', async () => {
    const stream = await w.client.chat.completions.create({ model: 'gpt-4o-mini', messages: question, stream: true });
    for await (const _ of stream);
    const span = only(await w.otel.spans(1));
    expect(span.attributes[ATTR.inputTokens]).toBeUndefined();
    expect(span.attributes[ATTR.costUsd]).toBeUndefined();
    expect(span.attributes[ATTR.finishReasons]).toEqual(['stop']);
  });

  it('ends the span of a stream the app stops reading early, without an error', async () => {
    const stream = await w.client.chat.completions.create({ model: 'gpt-4o-mini', messages: question, stream: true });
    for await (const _ of stream) break;
    const span = only(await w.otel.spans(1));
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('covers the SDK stream helper chat.completions.stream(), which calls create', async () => {
    const runner = w.client.chat.completions.stream({ model: 'gpt-4o-mini', messages: question, stream_options: { include_usage: true } });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe('Answer: What is 2+2?');
    const span = only(await w.otel.spans(1));
    expect(span.attributes[ATTR.outputTokens]).toBe(USAGE.openai.completion);
  });

  it.each([
    [400, 'BadRequestError', { error: { message: 'bad', type: 'invalid_request_error', param: null, code: null } }],
    [429, 'RateLimitError', { error: { message: 'slow down', type: 'rate_limit_exceeded', param: null, code: null } }],
    [500, 'InternalServerError', { error: { message: 'boom', type: 'server_error', param: null, code: null } }],
  ])('records HTTP %i as an ERROR span with error.type %s and re-throws the SDK error', async (status, type, json) => {
    w.llm.enqueue({ status, json });
    const err = await w.client.chat.completions.create({ model: 'gpt-4o-mini', messages: question }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
    expect((err as Error).constructor.name).toBe(type);
    const span = only(await w.otel.spans(1));
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ATTR.errorType]).toBe(type);
    expect(span.events.some((e) => e.name === 'exception')).toBe(true);
  });

  it('records an error sent inside a stream, which the SDK throws mid-iteration', async () => {
    w.llm.enqueue({ sse: `data: ${JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } })}\n\n` });
    const stream = await w.client.chat.completions.create({ model: 'gpt-4o-mini', messages: question, stream: true });
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toThrow('overloaded');
    const span = only(await w.otel.spans(1));
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ATTR.errorType]).toBe('server_error');
  });

  it('records an error the SDK raises before sending the request, and re-throws it', async () => {
    // A body that cannot be serialized makes the SDK fail before any request.
    const cyclic: Record<string, unknown> = { role: 'user', content: 'x' };
    cyclic.self = cyclic;
    const sent = w.llm.requests.length;
    const err = await w.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [cyclic as never] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(w.llm.requests.length).toBe(sent);
    const span = only(await w.otel.spans(1));
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ATTR.errorType]).toBe('TypeError');
  });
});

describe('wrap(openai) responses.create', () => {
  it('records model, usage (cached included) and output text', async () => {
    const res = await w.client.responses.create({ model: 'gpt-4.1', input: 'Capital of France?', instructions: 'Be brief.' });
    expect(res.output_text).toBe('Answer: Capital of France?');
    const span = only(await w.otel.spans(1));
    expect(span.name).toBe('chat gpt-4.1');
    const u = USAGE.responses;
    expect(span.attributes).toMatchObject({
      [ATTR.responseId]: 'resp_mock',
      [ATTR.responseModel]: snapshotOf('gpt-4.1'),
      [ATTR.inputTokens]: u.input,
      [ATTR.outputTokens]: u.output,
      [ATTR.cacheReadTokens]: u.cached,
      [ATTR.finishReasons]: ['completed'],
    });
    expect(span.attributes[ATTR.costUsd]).toBeCloseTo(
      costUsd('gpt-4.1', { inputTokens: u.input, outputTokens: u.output, cacheReadTokens: u.cached }) ?? NaN,
      15,
    );
    expect(JSON.parse(String(span.attributes[ATTR.inputMessages]))).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Capital of France?' }] },
    ]);
    expect(JSON.parse(String(span.attributes[ATTR.outputMessages]))[0].parts).toEqual([
      { type: 'text', content: 'Answer: Capital of France?' },
    ]);
  });

  it('takes usage of a stream from its response.completed event', async () => {
    const stream = await w.client.responses.create({ model: 'gpt-4.1', input: [{ role: 'user', content: 'Hi' }], stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toEqual(['response.created', 'response.output_text.delta', 'response.output_text.delta', 'response.completed']);
    const span = only(await w.otel.spans(1));
    expect(span.attributes[ATTR.inputTokens]).toBe(USAGE.responses.input);
    expect(span.attributes[ATTR.outputTokens]).toBe(USAGE.responses.output);
  });
});

describe('wrap(openai) embeddings.create', () => {
  it('records an "embeddings {model}" span with input tokens and cost, and no content', async () => {
    const res = await w.client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello' });
    expect(res.data[0]?.embedding.map((x) => Math.round(x * 10) / 10)).toEqual([0.1, 0.2, 0.3]);
    const span = only(await w.otel.spans(1));
    expect(span.name).toBe('embeddings text-embedding-3-small');
    expect(span.attributes).toMatchObject({
      [ATTR.operationName]: 'embeddings',
      [ATTR.inputTokens]: USAGE.embeddings.prompt,
      [ATTR.outputTokens]: 0,
    });
    expect(span.attributes[ATTR.costUsd]).toBeCloseTo((USAGE.embeddings.prompt * 0.02) / 1e6, 15);
    expect(span.attributes[ATTR.inputMessages]).toBeUndefined();
  });
});

describe('wrap() on other clients', () => {
  it('instruments an OpenAI-compatible w.client whose create returns a plain promise', async () => {
    const body = { id: 'x1', model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 1 } };
    const compatible = wrap({ chat: { completions: { create: async (_: unknown) => body } } });
    expect(await compatible.chat.completions.create({ model: 'gpt-4o-mini', messages: [] })).toBe(body);
    const span = only(await w.otel.spans(1));
    expect(span.attributes).toMatchObject({ [ATTR.responseId]: 'x1', [ATTR.inputTokens]: 3, [ATTR.outputTokens]: 1 });
  });

  it('refuses an object that is neither an openai nor an anthropic client', () => {
    expect(() => wrap({ complete: () => 'x' })).toThrow(TypeError);
  });
});
