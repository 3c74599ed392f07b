import { context, trace } from '@opentelemetry/api';
import { setAttributes, setMetadata, setPromptTemplate, setSession } from '@arizeai/openinference-core';
import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configHash } from '../../collector/ingest/request-params.js';
import type { RunningCollector } from '../../collector/server.js';
import { getJson, startTestCollector } from '../helpers/collector.js';
import { type MockOpenAI, type MockUsage, startMockOpenAI, usageHeaders } from './helpers/mock-openai.js';
import { startTracing } from './helpers/tracing.js';
import { faqTriple } from './helpers/triple.js';

/** USD per 1M tokens (cached input read at its own price), written out here independently of src/pricing.ts. */
const PRICES: Record<string, { input: number; cached: number; output: number }> = {
  'gpt-4o-mini': { input: 0.15, cached: 0.075, output: 0.6 },
  'gpt-4.1-mini': { input: 0.4, cached: 0.1, output: 1.6 },
};
const costOf = (model: string, u: MockUsage) => {
  const p = PRICES[model]!;
  const cached = u.cached ?? 0;
  return ((u.prompt - cached) * p.input + cached * p.cached + u.completion * p.output) / 1e6;
};

const SCOPE = '@arizeai/openinference-instrumentation-openai';
/** OpenAI answers with the dated snapshot; OpenInference records that as llm.model_name. */
const SNAPSHOT = 'gpt-4o-mini-2024-07-18';
const TEMPLATE = 'Answer the customer: {question}';

/** Request parameters, sent as the app sends them; the instrumentation records the body less its messages. */
const CONFIGURED = {
  temperature: 0.2,
  top_p: 0.9,
  max_completion_tokens: 256,
  seed: 42,
  frequency_penalty: 0.5,
  presence_penalty: 0.25,
  stop: 'END',
  tools: [
    { type: 'function' as const, function: { name: 'search', description: 'Searches the orders', parameters: { type: 'object', properties: {} } } },
    { type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: {} } } },
  ],
};
const CONFIGURED_PARAMS = {
  frequency_penalty: 0.5,
  max_tokens: 256,
  presence_penalty: 0.25,
  seed: 42,
  stop_sequences: ['END'],
  temperature: 0.2,
  tool_names: ['lookup', 'search'],
  top_p: 0.9,
};

describe('OpenInference (@arizeai/openinference-instrumentation-openai) spans from the real openai client', () => {
  let collector: RunningCollector;
  let mock: MockOpenAI;
  let tracing: ReturnType<typeof startTracing>;
  let instrumentation: OpenAIInstrumentation;
  let client: OpenAI;
  let configuredTrace: string;

  const usage = {
    q1: { prompt: 1000, completion: 100, cached: 400 },
    q2: { prompt: 800, completion: 50 },
    draft: { prompt: 500, completion: 40, cached: 100 },
    check: { prompt: 700, completion: 60 },
  } satisfies Record<string, MockUsage>;

  /** The context an OpenInference user builds: metadata, the prompt template and its version, a session. */
  const versioned = (exampleId: string, promptVersion: string, question: string) =>
    setSession(
      setPromptTemplate(
        setMetadata(context.active(), { dataset_name: 'faq', dataset_version: '2026-11', example_id: exampleId, prompt_name: 'answer' }),
        { template: TEMPLATE, variables: { question }, version: promptVersion },
      ),
      { sessionId: `session-${exampleId}` },
    );

  const ask = (model: string, question: string, u: MockUsage, responseModel?: string) =>
    client.chat.completions.create(
      { model, messages: [{ role: 'user', content: TEMPLATE.replace('{question}', question) }] },
      { headers: usageHeaders(u, responseModel) },
    );

  beforeAll(async () => {
    collector = await startTestCollector();
    mock = await startMockOpenAI();
    tracing = startTracing(collector.url, 'openinference-app');
    instrumentation = new OpenAIInstrumentation({ tracerProvider: tracing.provider });
    instrumentation.manuallyInstrument(OpenAI);
    client = new OpenAI({ apiKey: 'test-key', baseURL: mock.baseURL, maxRetries: 0 });

    await context.with(versioned('q1', 'v2', 'What is a refund?'), () => ask('gpt-4o-mini', 'What is a refund?', usage.q1, SNAPSHOT));
    await context.with(versioned('q2', 'v2', 'How long is shipping?'), () =>
      ask('gpt-4o-mini', 'How long is shipping?', usage.q2, SNAPSHOT),
    );
    // A stream: this instrumentation version skips the final usage chunk, so the span has no token counts.
    await context.with(versioned('q3', 'stream', 'Invoice?'), async () => {
      const stream = await client.chat.completions.create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Invoice?' }], stream: true, stream_options: { include_usage: true } },
        { headers: usageHeaders({ prompt: 30, completion: 5 }, SNAPSHOT) },
      );
      for await (const chunk of stream) void chunk;
    });
    // evaltrace attributes through OpenInference's own setAttributes, under the app's task span that records the outcome.
    const task = tracing.tracer.startSpan('task', { attributes: { 'evaltrace.example.id': 'q1' } });
    const ctx = setAttributes(trace.setSpan(context.active(), task), {
      'evaltrace.dataset.name': 'faq',
      'evaltrace.dataset.version': '2026-11',
      'evaltrace.prompt.name': 'answer',
      'evaltrace.prompt.version': 'v7',
    });
    await context.with(ctx, async () => {
      await ask('gpt-4.1-mini', 'Draft an answer', usage.draft);
      await ask('gpt-4.1-mini', 'Check the draft', usage.check);
    });
    task.setAttribute('evaltrace.task.success', true);
    task.end();
    // A call with request parameters, under a parent span of its own (no versions: it stays out of the faq triples).
    const parent = tracing.tracer.startSpan('configured');
    await context.with(trace.setSpan(context.active(), parent), () =>
      client.chat.completions.create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Find the order' }], ...CONFIGURED },
        { headers: usageHeaders({ prompt: 40, completion: 4 }, SNAPSHOT) },
      ),
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

  it('emits llm.* model, token and context attributes on each call span (what the mapping relies on)', () => {
    const spans = tracing.emittedBy(SCOPE);
    expect(spans).toHaveLength(6);
    expect(mock.requests).toBe(6);
    expect(spans[0]).toMatchObject({
      'openinference.span.kind': 'LLM',
      'llm.model_name': SNAPSHOT,
      'llm.system': 'openai',
      'llm.token_count.prompt': 1000,
      'llm.token_count.completion': 100,
      'llm.token_count.prompt_details.cache_read': 400,
      'llm.prompt_template.version': 'v2',
      'session.id': 'session-q1',
    });
    expect(JSON.parse(String(spans[0]!.metadata))).toMatchObject({ dataset_version: '2026-11', example_id: 'q1' });
  });

  it('resolves versions from the metadata JSON and the prompt template version, and prices the dated snapshot with cached input', async () => {
    const t = await triple(SNAPSHOT, 'v2');
    expect(t).toMatchObject({ dataset_version: '2026-11', prompt: 'answer', n_traces: 2, input_tokens: 1800, output_tokens: 150, unpriced_traces: 0 });
    expect(t.cost_usd).toBeCloseTo(costOf('gpt-4o-mini', usage.q1) + costOf('gpt-4o-mini', usage.q2), 10);
    const traces = (await getJson(collector, '/api/traces?dataset=faq&prompt_version=v2')).body.traces as any[];
    expect(traces.map((x) => x.example_id).sort()).toEqual(['q1', 'q2']);
    const detail = (await getJson(collector, `/api/traces/${traces[0].trace_id}`)).body;
    expect(detail.spans[0]).toMatchObject({ provider: 'openai', is_llm: true });
  });

  it('reports a streamed call whose usage the instrumentation dropped as unpriced, never as zero cost', async () => {
    // Nor does it take the model from a stream's chunks: the span keeps the requested model.
    const t = await triple('gpt-4o-mini', 'stream');
    expect(t).toMatchObject({ n_traces: 1, input_tokens: 0, output_tokens: 0, unpriced_traces: 1, cost_usd: null });
  });

  it('resolves evaltrace attributes set through OpenInference context attributes and adds up the calls of a task', async () => {
    const t = await triple('gpt-4.1-mini', 'v7');
    const cost = costOf('gpt-4.1-mini', usage.draft) + costOf('gpt-4.1-mini', usage.check);
    expect(t).toMatchObject({ prompt: 'answer', n_traces: 1, n_success: 1, input_tokens: 1200, output_tokens: 100, unpriced_traces: 0 });
    expect(t.cost_usd).toBeCloseTo(cost, 10);
    expect(t.cost_per_success).toBeCloseTo(cost, 10);
  });

  it('reads the request parameters from llm.invocation_parameters and gives the config_hash the evaltrace SDK gives the same request', async () => {
    expect(JSON.parse(String(tracing.emittedBy(SCOPE).at(-1)!['llm.invocation_parameters']))).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.2 });
    const spans = (await getJson(collector, `/api/traces/${configuredTrace}`)).body.spans as any[];
    const call = spans.find((s) => s.is_llm);
    // The span's model is the answered snapshot; the configuration names the requested model.
    expect(call).toMatchObject({ model: SNAPSHOT, request_params: CONFIGURED_PARAMS, config_hash: configHash('gpt-4o-mini', CONFIGURED_PARAMS) });
  });
});
