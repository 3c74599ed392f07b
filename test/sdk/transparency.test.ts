import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { task, wrap } from '../../src/index.js';
import { type MockLlm, type Override, startMockLlm } from './helpers/mock-llm.js';
import { type TestTelemetry, initInMemory } from './helpers/telemetry.js';

/**
 * The wrapper must be invisible to the app: for the same server replies, a
 * wrapped client yields exactly what an unwrapped one does.
 */

let llm: MockLlm;
let otel: TestTelemetry;
let plainOpenAI: OpenAI;
let wrappedOpenAI: OpenAI;
let plainAnthropic: Anthropic;
let wrappedAnthropic: Anthropic;

beforeAll(async () => {
  llm = await startMockLlm();
  otel = initInMemory();
  const openaiOptions = { apiKey: 'test', baseURL: llm.openaiURL, maxRetries: 0 };
  const anthropicOptions = { apiKey: 'test', baseURL: llm.anthropicURL, maxRetries: 0 };
  plainOpenAI = new OpenAI(openaiOptions);
  wrappedOpenAI = wrap(new OpenAI(openaiOptions));
  // Anthropic's own tracing is off for the plain client, so both send the same headers.
  plainAnthropic = new Anthropic({ ...anthropicOptions, openTelemetry: false });
  wrappedAnthropic = wrap(new Anthropic(anthropicOptions));
});
afterAll(async () => {
  await otel.shutdown();
  await llm.close();
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Runs `call` against the plain and the wrapped client, each seeing the same reply. */
async function both<R>(call: (which: 'plain' | 'wrapped') => Promise<R>, override?: Override): Promise<[R, R]> {
  if (override) llm.enqueue(override);
  const plain = await call('plain');
  if (override) llm.enqueue(override);
  const wrapped = await call('wrapped');
  return [plain, wrapped];
}

const serialize = (v: unknown) => JSON.stringify(v);
const errorView = (e: unknown) => {
  const err = e as { constructor: { name: string }; status?: number; message: string; error?: unknown; headers?: Headers; requestID?: string };
  return {
    cls: err.constructor.name,
    status: err.status,
    message: err.message,
    error: err.error,
    headers: err.headers ? Object.fromEntries(err.headers) : undefined,
    requestID: err.requestID,
  };
};

const chat = deepFreeze({ model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Same?' }] });
const msg = deepFreeze({ model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user' as const, content: 'Same?' }] });

describe('a wrapped openai client behaves exactly like an unwrapped one', () => {
  const client = (w: 'plain' | 'wrapped') => (w === 'plain' ? plainOpenAI : wrappedOpenAI);

  it('returns identical results, with the same non-enumerable _request_id', async () => {
    const [a, b] = await both((w) => client(w).chat.completions.create(chat));
    expect(serialize(b)).toBe(serialize(a));
    expect(b._request_id).toBe(a._request_id);
  });

  it('sends identical request bodies and leaves the (frozen) arguments untouched', async () => {
    const before = llm.requests.length;
    await both((w) => client(w).chat.completions.create(chat));
    const [a, b] = llm.requests.slice(before);
    expect(b?.raw).toBe(a?.raw);
    expect(b?.path).toBe(a?.path);
  });

  it('returns the SDK’s own APIPromise, so .asResponse() still yields the unread raw body', async () => {
    const [a, b] = await both(async (w) => {
      const p = client(w).chat.completions.create(chat);
      expect(p.constructor.name).toBe('APIPromise');
      return (await p.asResponse()).text();
    });
    expect(b).toBe(a);
  });

  it('keeps .withResponse() working', async () => {
    const [a, b] = await both(async (w) => {
      const { data, response, request_id } = await client(w).chat.completions.create(chat).withResponse();
      return { data: serialize(data), status: response.status, request_id };
    });
    expect(b).toEqual(a);
  });

  it('yields identical stream chunks, including the final usage chunk', async () => {
    const [a, b] = await both(async (w) => {
      const stream = await client(w).chat.completions.create({ ...chat, stream: true, stream_options: { include_usage: true } });
      const chunks: unknown[] = [];
      for await (const c of stream) chunks.push(c);
      return serialize(chunks);
    });
    expect(b).toBe(a);
  });

  it('keeps stream helpers (tee, toReadableStream) working', async () => {
    const stream = await wrappedOpenAI.chat.completions.create({ ...chat, stream: true });
    const [left, right] = stream.tee();
    const read = async (s: AsyncIterable<unknown>) => {
      const out: unknown[] = [];
      for await (const c of s) out.push(c);
      return serialize(out);
    };
    const [l, r] = await Promise.all([read(left), read(right)]);
    expect(l).toBe(r);
    const again = await wrappedOpenAI.chat.completions.create({ ...chat, stream: true });
    const text = await new Response(again.toReadableStream()).text();
    expect(text.split('\n').filter(Boolean).length).toBeGreaterThan(3);
  });

  it.each([400, 429, 500])('throws an identical error for HTTP %i', async (status) => {
    const json = { error: { message: `failed ${status}`, type: 'x', param: null, code: 'c' } };
    const [a, b] = await both((w) => client(w).chat.completions.create(chat).then(() => null, errorView), { status, json });
    expect(b).toEqual(a);
    expect(a?.status).toBe(status);
  });

  it('throws an identical error mid-stream', async () => {
    const sse = `data: ${JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } })}\n\n`;
    const [a, b] = await both(
      async (w) => {
        const stream = await client(w).chat.completions.create({ ...chat, stream: true });
        try {
          for await (const _ of stream);
          return null;
        } catch (e) {
          return errorView(e);
        }
      },
      { sse },
    );
    // Both sides threw (null would mean a stream that ended cleanly), and alike.
    expect(a).not.toBeNull();
    expect(a).toMatchObject({ message: expect.stringContaining('overloaded') });
    expect(b).toEqual(a);
  });

  it('returns identical responses and embeddings', async () => {
    const [r1, r2] = await both((w) => client(w).responses.create({ model: 'gpt-4.1', input: 'Same?' }));
    expect(serialize(r2)).toBe(serialize(r1));
    expect(r2.output_text).toBe(r1.output_text);
    const [e1, e2] = await both((w) => client(w).embeddings.create({ model: 'text-embedding-3-small', input: 'Same?' }));
    expect(serialize(e2)).toBe(serialize(e1));
  });

  it('wraps clients derived with withOptions()', async () => {
    const derived = wrappedOpenAI.withOptions({ timeout: 5000 });
    await otel.reset();
    await derived.chat.completions.create(chat);
    expect((await otel.spans(1)).map((s) => s.name)).toEqual(['chat gpt-4o-mini']);
  });

  it('is a no-op when wrapped twice: still one span per call', async () => {
    wrap(wrappedOpenAI);
    await otel.reset();
    await wrappedOpenAI.chat.completions.create(chat);
    expect(await otel.spans(1)).toHaveLength(1);
  });
});

describe('a wrapped anthropic client behaves exactly like an unwrapped one', () => {
  const client = (w: 'plain' | 'wrapped') => (w === 'plain' ? plainAnthropic : wrappedAnthropic);

  it('returns identical messages', async () => {
    const [a, b] = await both((w) => client(w).messages.create(msg));
    expect(serialize(b)).toBe(serialize(a));
    expect(b._request_id).toBe(a._request_id);
  });

  it('sends identical request bodies', async () => {
    const before = llm.requests.length;
    await both((w) => client(w).messages.create(msg));
    const [a, b] = llm.requests.slice(before);
    expect(b?.raw).toBe(a?.raw);
  });

  it('yields identical stream events, inside a task too', async () => {
    const [a, b] = await both((w) =>
      task({ exampleId: 'x' }, async () => {
        const stream = await client(w).messages.create({ ...msg, stream: true });
        const events: unknown[] = [];
        for await (const e of stream) events.push(e);
        return serialize(events);
      }),
    );
    expect(b).toBe(a);
  });

  it('gives messages.stream() the same final message', async () => {
    const [a, b] = await both(async (w) => serialize(await client(w).messages.stream(msg).finalMessage()));
    expect(b).toBe(a);
  });

  it.each([400, 429, 500])('throws an identical error for HTTP %i', async (status) => {
    const json = { type: 'error', error: { type: 'api_error', message: `failed ${status}` } };
    const [a, b] = await both((w) => client(w).messages.create(msg).then(() => null, errorView), { status, json });
    expect(b).toEqual(a);
  });
});
