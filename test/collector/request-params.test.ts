import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeSpan } from '../../collector/ingest/normalize.js';
import { configHash, readRequestParams } from '../../collector/ingest/request-params.js';
import { DEFAULT_LIMITS } from '../../collector/limits.js';
import type { Attributes } from '../../collector/otlp/model.js';
import type { RunningCollector } from '../../collector/server.js';
import { type Telemetry, init, task, wrap } from '../../src/index.js';
import { getJson, startTestCollector } from '../helpers/collector.js';
import { type kv, newTraceId, postJson, request, span } from '../helpers/otlp-json.js';
import { type MockLlm, startMockLlm } from '../sdk/helpers/mock-llm.js';

const ctx = { project: 'p', limits: DEFAULT_LIMITS, onTruncate: () => undefined };
const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);

/** One span through the collector's normalization, as an OTLP decoder hands it over. */
function row(attributes: Attributes) {
  const start = Date.UTC(2026, 9, 1);
  return normalizeSpan(
    {
      resource: {},
      scope: { name: 'test', version: '' },
      span: {
        traceId: 'a'.repeat(32),
        spanId: 'b'.repeat(16),
        parentSpanId: '',
        name: 'chat gpt-4o-mini',
        kind: 3,
        startNs: ns(start),
        endNs: ns(start + 5),
        attributes,
        events: [],
        links: [],
        statusCode: 0,
        statusMessage: '',
      },
    },
    ctx,
  ).span;
}

/**
 * One configuration (gpt-4o-mini, temperature 0.2, top_p 0.9, 256 max
 * tokens, seed 42, penalties, stop "END", tools lookup and search) in each
 * SDK's spelling, as each one's source writes it.
 */
const CANONICAL = {
  frequency_penalty: 0.5,
  max_tokens: 256,
  presence_penalty: 0.25,
  seed: 42,
  stop_sequences: ['END'],
  temperature: 0.2,
  tool_names: ['lookup', 'search'],
  top_p: 0.9,
};

const EVALTRACE: Attributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o-mini',
  'gen_ai.request.temperature': 0.2,
  'gen_ai.request.top_p': 0.9,
  'gen_ai.request.max_tokens': 256,
  'gen_ai.request.seed': 42,
  'gen_ai.request.frequency_penalty': 0.5,
  'gen_ai.request.presence_penalty': 0.25,
  'gen_ai.request.stop_sequences': ['END'],
  'gen_ai.tool.definitions': JSON.stringify([
    { type: 'function', name: 'lookup' },
    { type: 'function', name: 'search' },
  ]),
};

/** @traceloop/instrumentation-openai 0.27: gen_ai.request.* and the tools in the provider's own shape. */
const OPENLLMETRY: Attributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o-mini',
  'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
  'gen_ai.request.temperature': 0.2,
  'gen_ai.request.top_p': 0.9,
  'gen_ai.request.max_tokens': 256,
  'gen_ai.request.seed': 42,
  'gen_ai.request.frequency_penalty': 0.5,
  'gen_ai.request.presence_penalty': 0.25,
  'gen_ai.request.stop_sequences': ['END'],
  'gen_ai.tool.definitions': JSON.stringify([
    { type: 'function', function: { name: 'search', description: 'Searches', parameters: { type: 'object' } } },
    { type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } },
  ]),
};

/** Older OpenLLMetry: llm.* penalties and stop sequences, tools as indexed llm.request.functions.{i}.*. */
const OPENLLMETRY_LEGACY: Attributes = {
  'llm.request.type': 'chat',
  'gen_ai.system': 'OpenAI',
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'gpt-4o-mini',
  'gen_ai.request.temperature': 0.2,
  'gen_ai.request.top_p': 0.9,
  'gen_ai.request.max_tokens': 256,
  'gen_ai.request.seed': 42,
  'llm.frequency_penalty': 0.5,
  'llm.presence_penalty': 0.25,
  'llm.chat.stop_sequences': ['END'],
  'llm.request.functions.0.name': 'lookup',
  'llm.request.functions.0.description': 'Finds things',
  'llm.request.functions.1.name': 'search',
};

/** @arizeai/openinference-instrumentation-openai: the request body less its messages as JSON, each tool as JSON. */
const tools = [
  { type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } },
  { type: 'function', function: { name: 'search', parameters: { type: 'object' } } },
];
const OPENINFERENCE: Attributes = {
  'openinference.span.kind': 'LLM',
  'llm.model_name': 'gpt-4o-mini-2024-07-18',
  'llm.provider': 'openai',
  'llm.invocation_parameters': JSON.stringify({
    model: 'gpt-4o-mini',
    temperature: 0.2,
    top_p: 0.9,
    max_completion_tokens: 256,
    seed: 42,
    frequency_penalty: 0.5,
    presence_penalty: 0.25,
    stop: 'END',
    tools,
  }),
  'llm.tools.0.tool.json_schema': JSON.stringify(tools[0]),
  'llm.tools.1.tool.json_schema': JSON.stringify(tools[1]),
};

describe('request parameters read from each SDK’s attribute names', () => {
  const spellings = { evaltrace: EVALTRACE, openllmetry: OPENLLMETRY, 'openllmetry (legacy names)': OPENLLMETRY_LEGACY, openinference: OPENINFERENCE };

  it.each(Object.entries(spellings))('%s: gives the canonical params of the configuration', (_, attributes) => {
    expect(readRequestParams(attributes)).toEqual(CANONICAL);
    const r = row(attributes);
    expect(r.is_llm).toBe(true);
    expect(r.request_params).toBe(JSON.stringify(CANONICAL));
  });

  it('gives one config_hash for the same configuration whichever SDK sent it', () => {
    const hashes = Object.values(spellings).map((a) => row(a).config_hash);
    expect(hashes[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(hashes).size).toBe(1);
  });

  it('hashes the first 16 hex digits of sha256 over canonical JSON of { model, params }', () => {
    const text = `{"model":"gpt-4o-mini","params":${JSON.stringify(CANONICAL)}}`;
    const expected = createHash('sha256').update(text).digest('hex').slice(0, 16);
    expect(configHash('gpt-4o-mini', CANONICAL)).toBe(expected);
    expect(row(EVALTRACE).config_hash).toBe(expected);
  });

  it('tells apart two configurations that differ only in temperature', () => {
    const a = row(EVALTRACE);
    const b = row({ ...EVALTRACE, 'gen_ai.request.temperature': 0.9 });
    expect(b.request_params).toBe(JSON.stringify({ ...CANONICAL, temperature: 0.9 }));
    expect(b.config_hash).not.toBe(a.config_hash);
  });

  it('tells apart the same parameters on another model', () => {
    expect(row({ ...EVALTRACE, 'gen_ai.request.model': 'gpt-4.1-mini' }).config_hash).not.toBe(row(EVALTRACE).config_hash);
  });

  it('reads ints and doubles alike, numeric strings as numbers, and ignores the order of stop sequences and tools', () => {
    const a = readRequestParams({ 'gen_ai.request.temperature': 1, 'gen_ai.request.stop_sequences': ['b', 'a', 'b'] });
    const b = readRequestParams({
      'llm.invocation_parameters': JSON.stringify({ temperature: '1.0', stop: ['a', 'b'] }),
    });
    expect(a).toEqual({ stop_sequences: ['a', 'b'], temperature: 1 });
    expect(b).toEqual(a);
  });

  it('prefers the attributes over the invocation parameters, and the semconv names over legacy ones', () => {
    expect(
      readRequestParams({
        'gen_ai.request.temperature': 0.1,
        'llm.invocation_parameters': JSON.stringify({ temperature: 0.7, top_k: 5 }),
        'gen_ai.request.top_k': 40,
        'llm.top_k': 3,
      }),
    ).toEqual({ temperature: 0.1, top_k: 40 });
  });

  it('leaves out values a parameter cannot hold, and never rejects the span for them', () => {
    const r = row({
      ...EVALTRACE,
      'gen_ai.request.temperature': 'hot',
      'gen_ai.request.seed': true,
      'gen_ai.request.stop_sequences': [1, 2],
      'gen_ai.tool.definitions': '[{"type": "function", ',
      'llm.invocation_parameters': 'not json',
    });
    expect(JSON.parse(r.request_params)).toEqual({ frequency_penalty: 0.5, max_tokens: 256, presence_penalty: 0.25, top_p: 0.9 });
  });

  it('stores no params and no hash for spans that are not LLM calls, and a hash without params for an LLM call that sets none', () => {
    expect(row({ 'evaltrace.dataset.name': 'faq' })).toMatchObject({ is_llm: false, request_params: '', config_hash: '' });
    const judged = row({ ...EVALTRACE, 'gen_ai.evaluation.name': 'helpfulness', 'gen_ai.evaluation.score.value': 1 });
    expect(judged).toMatchObject({ is_llm: false, is_evaluation: true, config_hash: '' });
    const bare = row({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini' });
    expect(bare).toMatchObject({ is_llm: true, request_params: '', config_hash: configHash('gpt-4o-mini', {}) });
  });
});

/** OTLP/JSON attributes, string arrays included (the shared kv() helper writes scalars only). */
function otlpAttributes(attrs: Attributes): ReturnType<typeof kv> {
  const value = (v: unknown): unknown =>
    Array.isArray(v)
      ? { arrayValue: { values: v.map(value) } }
      : typeof v === 'string'
        ? { stringValue: v }
        : typeof v === 'boolean'
          ? { boolValue: v }
          : Number.isInteger(v)
            ? { intValue: String(v) }
            : { doubleValue: v };
  return Object.entries(attrs).map(([key, v]) => ({ key, value: value(v) })) as ReturnType<typeof kv>;
}

describe('request parameters through a real collector', () => {
  let collector: RunningCollector;
  let llm: MockLlm;
  let telemetry: Telemetry;
  const traces: Record<string, string> = {};

  const spansOf = async (traceId: string) => {
    const { status, body } = await getJson(collector, `/api/traces/${traceId}`);
    expect(status).toBe(200);
    return body.spans as Array<Record<string, any>>;
  };

  beforeAll(async () => {
    collector = await startTestCollector();
    llm = await startMockLlm();
    telemetry = init({ endpoint: collector.url, serviceName: 'request-params-app' });
    const openai = wrap(new OpenAI({ apiKey: 'test', baseURL: llm.openaiURL, maxRetries: 0 }));
    const configured = {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user' as const, content: 'Find it' }],
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 256,
      seed: 42,
      frequency_penalty: 0.5,
      presence_penalty: 0.25,
      stop: 'END',
      tools: [
        { type: 'function' as const, function: { name: 'search' } },
        { type: 'function' as const, function: { name: 'lookup' } },
      ],
    };
    traces.sdk = await task({ exampleId: 'q1' }, async (t) => {
      await openai.chat.completions.create(configured);
      await openai.chat.completions.create({ ...configured, temperature: 0.9 });
      return t.spanContext().traceId;
    });
    await telemetry.flush();
    for (const [peer, attrs] of [
      ['openllmetry', OPENLLMETRY],
      ['openinference', OPENINFERENCE],
    ] as const) {
      traces[peer] = newTraceId();
      const res = await postJson(collector.url, request([span({ traceId: traces[peer], name: 'chat gpt-4o-mini', attributes: otlpAttributes(attrs) })]));
      expect(res.status).toBe(200);
    }
  });
  afterAll(async () => {
    await telemetry?.shutdown();
    await llm?.close();
    await collector?.close();
  });

  it('returns each LLM span’s request_params and config_hash in GET /api/traces/:id; the task span has none', async () => {
    const spans = await spansOf(traces.sdk!);
    const calls = spans.filter((s) => s.is_llm);
    expect(calls.map((s) => s.request_params)).toEqual([CANONICAL, { ...CANONICAL, temperature: 0.9 }]);
    expect(calls[0]!.config_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(calls[1]!.config_hash).not.toBe(calls[0]!.config_hash);
    const root = spans.find((s) => s.name === 'task')!;
    expect(root).toMatchObject({ request_params: {}, config_hash: '' });
  });

  it('gives the spans OpenLLMetry and OpenInference send for the same configuration the SDK call’s config_hash', async () => {
    const sdk = (await spansOf(traces.sdk!)).find((s) => s.is_llm)!;
    for (const peer of ['openllmetry', 'openinference']) {
      const [s] = await spansOf(traces[peer]!);
      expect(s, peer).toMatchObject({ request_params: CANONICAL, config_hash: sdk.config_hash });
    }
  });

  it('stores the columns, queryable by hash', async () => {
    const sdk = (await spansOf(traces.sdk!)).find((s) => s.is_llm)!;
    const store = collector.store;
    const rows = await store.query<{ trace_id: string }>(
      "SELECT DISTINCT trace_id FROM spans WHERE project = 'default' AND config_hash = {h:String} ORDER BY trace_id",
      { h: sdk.config_hash },
    );
    expect(rows.map((r) => r.trace_id).sort()).toEqual([traces.sdk, traces.openllmetry, traces.openinference].sort());
  });
});
