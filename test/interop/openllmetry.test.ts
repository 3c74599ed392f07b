import { type Attributes, type Context, context, createContextKey, trace } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configHash } from '../../collector/ingest/request-params.js';
import type { RunningCollector } from '../../collector/server.js';
import { getJson, startTestCollector } from '../helpers/collector.js';
import { type MockOpenAI, type MockUsage, startMockOpenAI, usageHeaders } from './helpers/mock-openai.js';
import { startTracing } from './helpers/tracing.js';
import { faqTriple } from './helpers/triple.js';

/** USD per 1M tokens, written out here independently of src/pricing.ts. */
const PRICES: Record<string, { input: number; output: number }> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
};
const costOf = (model: string, input: number, output: number) =>
  (input * PRICES[model]!.input + output * PRICES[model]!.output) / 1e6;

const SCOPE = '@traceloop/instrumentation-openai';

/**
 * The Traceloop SDK's withAssociationProperties and its span processor's
 * onStart, reproduced: the full @traceloop/node-server-sdk pins an older
 * OTel exporter line than evaltrace's 0.223, so only its OpenAI
 * instrumentation is installed. The SDK stamps every span started in the
 * context as `traceloop.association.properties.<key>`.
 */
const ASSOCIATION_PROPERTIES_KEY = createContextKey('association_properties');

function withAssociationProperties<T>(properties: Record<string, string>, fn: () => T): T {
  return context.with(context.active().setValue(ASSOCIATION_PROPERTIES_KEY, properties), fn);
}

class AssociationPropertiesProcessor implements SpanProcessor {
  onStart(span: Span, parent: Context): void {
    const properties = parent.getValue(ASSOCIATION_PROPERTIES_KEY) as Record<string, string> | undefined;
    for (const [key, value] of Object.entries(properties ?? {})) span.setAttribute(`traceloop.association.properties.${key}`, value);
  }
  onEnd(_span: ReadableSpan): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

type ChatParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;

/** Request parameters this instrumentation version records (it records no seed and no stop sequences). */
const CONFIGURED = {
  temperature: 0.2,
  top_p: 0.9,
  max_tokens: 256,
  frequency_penalty: 0.5,
  presence_penalty: 0.25,
  tools: [
    { type: 'function', function: { name: 'search', description: 'Searches the orders', parameters: { type: 'object', properties: {} } } },
    { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } },
  ],
};
const CONFIGURED_PARAMS = { frequency_penalty: 0.5, max_tokens: 256, presence_penalty: 0.25, temperature: 0.2, tool_names: ['lookup', 'search'], top_p: 0.9 };

describe('OpenLLMetry (@traceloop/instrumentation-openai) spans from the real openai client', () => {
  let collector: RunningCollector;
  let mock: MockOpenAI;
  let tracing: ReturnType<typeof startTracing>;
  let instrumentation: OpenAIInstrumentation;
  let client: OpenAI;
  let streamedTokens: { input: number; output: number };
  let configuredTrace: string;

  const ask = (model: string, question: string, usage: MockUsage, extra: object = {}) =>
    client.chat.completions.create({ model, messages: [{ role: 'user', content: question }], ...extra } as ChatParams, {
      headers: usageHeaders(usage),
    });

  const askStreaming = async (model: string, question: string, usage: MockUsage, extra: object = {}) => {
    const stream = await client.chat.completions.create(
      { model, messages: [{ role: 'user', content: question }], stream: true, stream_options: { include_usage: true }, ...extra },
      { headers: usageHeaders(usage) },
    );
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    return text;
  };

  beforeAll(async () => {
    collector = await startTestCollector();
    mock = await startMockOpenAI();
    tracing = startTracing(collector.url, 'openllmetry-app', [new AssociationPropertiesProcessor()]);
    // enrichTokens is what the Traceloop SDK passes by default (shouldEnrichMetrics).
    instrumentation = new OpenAIInstrumentation({ enrichTokens: true });
    instrumentation.setTracerProvider(tracing.provider);
    instrumentation.manuallyInstrument(OpenAI);
    client = new OpenAI({ apiKey: 'test-key', baseURL: mock.baseURL, maxRetries: 0 });

    const faq = { dataset_name: 'faq', dataset_version: '2026-11' };
    // Versions as association properties only: each call is its own trace.
    await withAssociationProperties({ ...faq, example_id: 'q1', prompt_name: 'answer', prompt_version: 'v3' }, () =>
      ask('gpt-4o-mini', 'What is a refund?', { prompt: 1200, completion: 80 }),
    );
    await withAssociationProperties({ ...faq, example_id: 'q2', prompt_name: 'answer', prompt_version: 'v3' }, () =>
      ask('gpt-4o-mini', 'How long does shipping take?', { prompt: 900, completion: 150 }),
    );
    // The prompt registry's attributes travel as extraAttributes, which the instrumentation copies onto the span.
    await withAssociationProperties({ ...faq, example_id: 'q3' }, () =>
      askStreaming('gpt-4o-mini', 'Can I pay by invoice?', { prompt: 50, completion: 7 }, {
        extraAttributes: { 'traceloop.prompt.key': 'answer', 'traceloop.prompt.version': 4 },
      }),
    );
    const streamed = tracing.emittedBy(SCOPE).at(-1)!;
    streamedTokens = { input: Number(streamed['gen_ai.usage.input_tokens']), output: Number(streamed['gen_ai.usage.output_tokens']) };
    // Without enrichTokens the instrumentation drops a stream's usage chunk: the span has no usage at all.
    instrumentation.setConfig({ enrichTokens: false });
    await withAssociationProperties({ ...faq, example_id: 'q4', prompt_name: 'answer', prompt_version: 'raw-stream' }, () =>
      askStreaming('gpt-4o-mini', 'Do you ship abroad?', { prompt: 60, completion: 9 }),
    );
    // evaltrace attributes on the app's own task span; two instrumented calls inside add up.
    const task = tracing.tracer.startSpan('task', {
      attributes: {
        'evaltrace.dataset.name': 'faq',
        'evaltrace.dataset.version': '2026-11',
        'evaltrace.example.id': 'q1',
        'evaltrace.prompt.name': 'answer',
        'evaltrace.prompt.version': 'v5',
      },
    });
    await context.with(trace.setSpan(context.active(), task), async () => {
      await ask('gpt-4.1-mini', 'Draft an answer', { prompt: 500, completion: 40 });
      await ask('gpt-4.1-mini', 'Check the draft', { prompt: 700, completion: 60 });
    });
    task.setAttribute('evaltrace.task.success', true);
    task.end();
    // A call with request parameters, under a parent span of its own (no versions: it stays out of the faq triples).
    const parent = tracing.tracer.startSpan('configured');
    await context.with(trace.setSpan(context.active(), parent), () =>
      ask('gpt-4o-mini', 'Find the order', { prompt: 40, completion: 4 }, CONFIGURED),
    );
    parent.end();
    configuredTrace = parent.spanContext().traceId;
    await tracing.flush();
  }, 60_000);

  afterAll(async () => {
    instrumentation?.disable();
    await tracing?.shutdown();
    await mock?.close();
    await collector?.close();
  });

  const triple = (model: string, promptVersion: string) => faqTriple(collector, model, promptVersion);

  it('emits gen_ai.* model and usage attributes on each call span (what the mapping relies on)', () => {
    const spans = tracing.emittedBy(SCOPE);
    expect(spans).toHaveLength(7);
    expect(mock.requests).toBe(7);
    expect(spans[0]).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.output_tokens': 80,
      'traceloop.association.properties.prompt_version': 'v3',
    } satisfies Attributes);
  });

  it('resolves dataset, example and prompt versions given as association properties, and sums tokens and cost', async () => {
    const t = await triple('gpt-4o-mini', 'v3');
    expect(t).toMatchObject({ dataset_version: '2026-11', prompt: 'answer', n_traces: 2, input_tokens: 2100, output_tokens: 230, unpriced_traces: 0 });
    expect(t.cost_usd).toBeCloseTo(costOf('gpt-4o-mini', 1200, 80) + costOf('gpt-4o-mini', 900, 150), 10);
    const traces = (await getJson(collector, '/api/traces?dataset=faq&prompt_version=v3')).body.traces as any[];
    expect(traces.map((x) => x.example_id).sort()).toEqual(['q1', 'q2']);
  });

  it('takes traceloop.prompt.key and traceloop.prompt.version from the prompt registry attributes of a streamed call', async () => {
    expect(streamedTokens.input).toBeGreaterThan(0);
    expect(streamedTokens.output).toBeGreaterThan(0);
    const t = await triple('gpt-4o-mini', '4');
    expect(t).toMatchObject({ prompt: 'answer', n_traces: 1, input_tokens: streamedTokens.input, output_tokens: streamedTokens.output });
    expect(t.cost_usd).toBeCloseTo(costOf('gpt-4o-mini', streamedTokens.input, streamedTokens.output), 10);
  });

  it('reports a streamed call that carries no usage as unpriced, never as zero cost', async () => {
    const t = await triple('gpt-4o-mini', 'raw-stream');
    expect(t).toMatchObject({ n_traces: 1, input_tokens: 0, output_tokens: 0, unpriced_traces: 1, cost_usd: null });
  });

  it('resolves evaltrace attributes from the parent task span and adds up the calls inside it', async () => {
    const t = await triple('gpt-4.1-mini', 'v5');
    const cost = costOf('gpt-4.1-mini', 500, 40) + costOf('gpt-4.1-mini', 700, 60);
    expect(t).toMatchObject({ prompt: 'answer', n_traces: 1, n_success: 1, input_tokens: 1200, output_tokens: 100, unpriced_traces: 0 });
    expect(t.cost_usd).toBeCloseTo(cost, 10);
    expect(t.cost_per_success).toBeCloseTo(cost, 10);
  });

  it('reads the request parameters and gives the config_hash the evaltrace SDK gives the same request', async () => {
    expect(tracing.emittedBy(SCOPE).at(-1)).toMatchObject({ 'gen_ai.request.temperature': 0.2, 'gen_ai.request.max_tokens': 256 });
    const spans = (await getJson(collector, `/api/traces/${configuredTrace}`)).body.spans as any[];
    const call = spans.find((s) => s.is_llm);
    expect(call).toMatchObject({ request_params: CONFIGURED_PARAMS, config_hash: configHash('gpt-4o-mini', CONFIGURED_PARAMS) });
  });
});
