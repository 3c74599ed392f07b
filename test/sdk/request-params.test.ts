import Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { ATTR } from '@evaltrace/semantic-conventions';
import { wrap } from '../../src/index.js';
import { addRequestParams } from '../../src/wrap/request-params.js';
import { only } from './helpers/telemetry.js';
import { useWrapped } from './helpers/wrapped.js';

let anthropic: Anthropic;

const w = useWrapped();
beforeAll(() => {
  anthropic = wrap(new Anthropic({ apiKey: 'test', baseURL: w.llm.anthropicURL, maxRetries: 0 }));
});

const messages = [{ role: 'user' as const, content: 'What is 2+2?' }];
const lookup = { type: 'function' as const, function: { name: 'lookup', description: 'Finds things', parameters: { type: 'object', properties: {} } } };

/** Every request-parameter attribute the span carries. */
const REQUEST_ATTRS = [
  ATTR.requestTemperature,
  ATTR.requestTopP,
  ATTR.requestTopK,
  ATTR.requestMaxTokens,
  ATTR.requestSeed,
  ATTR.requestFrequencyPenalty,
  ATTR.requestPresencePenalty,
  ATTR.requestStopSequences,
  ATTR.toolDefinitions,
];
const requestAttrs = (attributes: Record<string, unknown>) =>
  Object.fromEntries(REQUEST_ATTRS.filter((k) => attributes[k] !== undefined).map((k) => [k, attributes[k]]));

async function spanAttrs() {
  return only(await w.otel.spans(1)).attributes;
}

describe('wrap(openai) records the request parameters of chat.completions.create', () => {
  it('records temperature, top_p, max_tokens, seed, penalties, stop and the tools’ type and name, as sent', async () => {
    await w.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 256,
      seed: 42,
      frequency_penalty: 0.5,
      presence_penalty: -0.25,
      stop: ['\n\n', 'END'],
      tools: [lookup, { type: 'function', function: { name: 'search' } }],
    });
    const attributes = await spanAttrs();
    expect(requestAttrs(attributes)).toEqual({
      [ATTR.requestTemperature]: 0.2,
      [ATTR.requestTopP]: 0.9,
      [ATTR.requestMaxTokens]: 256,
      [ATTR.requestSeed]: 42,
      [ATTR.requestFrequencyPenalty]: 0.5,
      [ATTR.requestPresencePenalty]: -0.25,
      [ATTR.requestStopSequences]: ['\n\n', 'END'],
      [ATTR.toolDefinitions]: JSON.stringify([
        { type: 'function', name: 'lookup' },
        { type: 'function', name: 'search' },
      ]),
    });
  });

  it('records no parameter the request does not set', async () => {
    await w.client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(requestAttrs(await spanAttrs())).toEqual({});
  });

  it('records a temperature of 0 (a set parameter, not an absent one)', async () => {
    await w.client.chat.completions.create({ model: 'gpt-4o-mini', messages, temperature: 0 });
    expect(requestAttrs(await spanAttrs())).toEqual({ [ATTR.requestTemperature]: 0 });
  });

  it('records max_completion_tokens as max tokens and a single stop string as a one-element array', async () => {
    await w.client.chat.completions.create({ model: 'gpt-4o-mini', messages, max_completion_tokens: 64, stop: 'END' });
    expect(requestAttrs(await spanAttrs())).toEqual({ [ATTR.requestMaxTokens]: 64, [ATTR.requestStopSequences]: ['END'] });
  });

  it('records the parameters of a streamed call too', async () => {
    const stream = await w.client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, temperature: 0.7, seed: 7 });
    for await (const _ of stream) void _;
    expect(requestAttrs(await spanAttrs())).toEqual({ [ATTR.requestTemperature]: 0.7, [ATTR.requestSeed]: 7 });
  });

  it('leaves out null and ill-typed values without failing the call or changing what is sent', async () => {
    const odd = {
      model: 'gpt-4o-mini',
      messages,
      temperature: null,
      top_p: 'high',
      seed: Number.NaN,
      stop: [1, 'END', null],
      tools: [null, 'lookup', {}, lookup],
    } as unknown as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
    const res = await w.client.chat.completions.create(odd);
    expect(res.choices).toHaveLength(1);
    expect(requestAttrs(await spanAttrs())).toEqual({
      [ATTR.requestStopSequences]: ['END'],
      [ATTR.toolDefinitions]: JSON.stringify([{ type: 'function', name: 'lookup' }]),
    });
    expect(w.llm.requests.at(-1)?.body).toMatchObject({ temperature: null, top_p: 'high', stop: [1, 'END', null] });
  });
});

describe('wrap(openai) records the request parameters of responses.create', () => {
  it('records max_output_tokens as max tokens, and function and built-in tools by name (a built-in tool by its type)', async () => {
    await w.client.responses.create({
      model: 'gpt-4.1-mini',
      input: 'Hello?',
      temperature: 1,
      top_p: 0.5,
      max_output_tokens: 500,
      tools: [{ type: 'function', name: 'lookup', parameters: null, strict: false }, { type: 'web_search_preview' }],
    });
    expect(requestAttrs(await spanAttrs())).toEqual({
      [ATTR.requestTemperature]: 1,
      [ATTR.requestTopP]: 0.5,
      [ATTR.requestMaxTokens]: 500,
      [ATTR.toolDefinitions]: JSON.stringify([
        { type: 'function', name: 'lookup' },
        { type: 'web_search_preview', name: 'web_search_preview' },
      ]),
    });
  });
});

describe('wrap(anthropic) records the request parameters of messages.create', () => {
  it('records max_tokens, temperature, top_k, top_p, stop_sequences and tools', async () => {
    // This SDK version's types no longer list the sampling parameters; apps on older versions (and plain JS) still send them.
    const sampled = {
      model: 'claude-haiku-4-5',
      max_tokens: 100,
      temperature: 0.3,
      top_k: 40,
      top_p: 0.95,
      stop_sequences: ['###'],
      tools: [{ name: 'lookup', input_schema: { type: 'object' } }],
      messages: [{ role: 'user', content: 'Hello?' }],
    } as unknown as Anthropic.MessageCreateParamsNonStreaming;
    await anthropic.messages.create(sampled);
    expect(requestAttrs(await spanAttrs())).toEqual({
      [ATTR.requestMaxTokens]: 100,
      [ATTR.requestTemperature]: 0.3,
      [ATTR.requestTopK]: 40,
      [ATTR.requestTopP]: 0.95,
      [ATTR.requestStopSequences]: ['###'],
      [ATTR.toolDefinitions]: JSON.stringify([{ type: 'function', name: 'lookup' }]),
    });
  });

  it('records only max_tokens when that is all the request sets', async () => {
    await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] });
    expect(requestAttrs(await spanAttrs())).toEqual({ [ATTR.requestMaxTokens]: 50 });
  });
});

describe('addRequestParams, when a request sets several fields for one parameter', () => {
  const attrs = (params: Record<string, unknown>) => {
    const into: Record<string, unknown> = {};
    addRequestParams(into as never, params);
    return into;
  };

  it('takes the first field the table lists, whatever the order of the request’s keys', () => {
    const expected = { [ATTR.requestMaxTokens]: 64, [ATTR.requestStopSequences]: ['A'] };
    expect(attrs({ max_tokens: 9, stop: 'B', max_completion_tokens: 64, stop_sequences: ['A'] })).toEqual(expected);
    expect(attrs({ stop_sequences: ['A'], max_completion_tokens: 64, stop: 'B', max_tokens: 9 })).toEqual(expected);
  });

  it('falls back to the next field when the first holds no number', () => {
    expect(attrs({ max_completion_tokens: null, max_tokens: 9 })).toEqual({ [ATTR.requestMaxTokens]: 9 });
    expect(attrs({ max_tokens: 9, max_completion_tokens: 'lots' })).toEqual({ [ATTR.requestMaxTokens]: 9 });
  });

  it('records no stop sequences when the first stop field is a list without strings, as the request means no stop', () => {
    expect(attrs({ stop: 'B', stop_sequences: [] })).toEqual({});
    expect(attrs({ stop_sequences: [1], stop: 'B' })).toEqual({});
  });
});
