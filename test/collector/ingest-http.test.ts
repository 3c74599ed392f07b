import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportTraceServiceRequest, ExportTraceServiceResponse } from '../../collector/otlp/proto.js';
import type { RunningCollector } from '../../collector/server.js';
import { getJson, startTestCollector } from '../helpers/collector.js';
import { kv, newSpanId, newTraceId, postJson, request, span } from '../helpers/otlp-json.js';

describe('POST /v1/traces over HTTP', () => {
  let c: RunningCollector;
  beforeAll(async () => {
    c = await startTestCollector({
      limits: {
        maxBodyBytes: 256 * 1024,
        maxDecompressedBytes: 512 * 1024,
        maxSpansPerRequest: 1000,
        maxAttributesPerSpan: 64,
        maxAttributeValueLength: 1024,
        maxExplanationLength: 256,
        maxNameLength: 64,
        maxEventsPerSpan: 3,
        maxLinksPerSpan: 2,
      },
    });
  });
  afterAll(() => c.close());

  const triple = async (dataset: string) =>
    (await getJson(c, `/api/triples?dataset=${dataset}`)).body.triples as any[];

  it('resolves versions that sit only on the root span, when the root arrives in a later request', async () => {
    const traceId = newTraceId();
    const rootId = newSpanId();
    const llm = span({
      traceId,
      parentSpanId: rootId,
      name: 'chat gpt-4o-mini',
      attrs: { 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 500 },
    });
    expect((await postJson(c.url, request([llm]))).status).toBe(200);
    const root = span({
      traceId,
      spanId: rootId,
      name: 'task',
      durMs: 1234,
      attrs: {
        'evaltrace.dataset.name': 'split',
        'evaltrace.dataset.version': '1',
        'evaltrace.prompt.name': 'p',
        'evaltrace.prompt.version': 'v9',
        'evaltrace.task.success': true,
      },
    });
    expect((await postJson(c.url, request([root]))).status).toBe(200);
    const [t] = await triple('split');
    expect(t).toMatchObject({ model: 'gpt-4o-mini', prompt_version: 'v9', n_traces: 1, n_success: 1, input_tokens: 1000 });
    expect(t.cost_usd).toBeCloseTo((1000 * 0.15 + 500 * 0.6) / 1e6, 12);
    expect(t.latency_ms_p50).toBe(1234);
  });

  it('accepts int64 as strings or numbers, enums as names, and proto field names in JSON', async () => {
    const traceId = newTraceId();
    const body = {
      resource_spans: [
        {
          resource: { attributes: kv({ 'service.name': 'snake' }) },
          scope_spans: [
            {
              spans: [
                {
                  trace_id: traceId,
                  span_id: newSpanId(),
                  name: 'task',
                  kind: 'SPAN_KIND_SERVER',
                  start_time_unix_nano: 1_790_000_000_000_000_000,
                  end_time_unix_nano: '1790000000500000000',
                  attributes: [
                    { key: 'evaltrace.dataset.name', value: { string_value: 'snake' } },
                    { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } },
                    { key: 'gen_ai.usage.input_tokens', value: { intValue: '2000' } },
                    { key: 'gen_ai.usage.output_tokens', value: { intValue: 100 } },
                    { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                  ],
                  status: { code: 'STATUS_CODE_OK' },
                },
              ],
            },
          ],
        },
      ],
    };
    const res = await postJson(c.url, body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    const [t] = await triple('snake');
    expect(t).toMatchObject({ n_traces: 1, input_tokens: 2000, output_tokens: 100, latency_ms_p50: 500 });
  });

  it('rejects invalid spans one by one through partial_success while the valid ones land', async () => {
    const good = span({ name: 'task', attrs: { 'evaltrace.dataset.name': 'partial' } });
    const bad = [
      span({ traceId: 'xyz', attrs: { 'evaltrace.dataset.name': 'partial' } }),
      span({ spanId: '0000000000000000', attrs: { 'evaltrace.dataset.name': 'partial' } }),
      span({ attrs: { 'evaltrace.dataset.name': 'partial', 'gen_ai.usage.input_tokens': -5 } }),
      span({ startTimeUnixNano: '1', attrs: { 'evaltrace.dataset.name': 'partial' } }),
      span({ startTimeUnixNano: '2000', endTimeUnixNano: '1000' }),
      'not a span',
    ];
    const res = await postJson(c.url, request([good, ...bad]));
    expect(res.status).toBe(200);
    expect(res.body.partialSuccess.rejectedSpans).toBe(bad.length);
    expect(res.body.partialSuccess.errorMessage).toMatch(/trace id must be 32 hex digits/);
    expect(res.body.partialSuccess.errorMessage).toMatch(/input tokens must not be negative/);
    expect((await triple('partial'))[0].n_traces).toBe(1);
  });

  it('answers in protobuf when asked in protobuf, with rejected_spans in the ExportTraceServiceResponse', async () => {
    const msg = ExportTraceServiceRequest.fromObject({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                // biome-ignore lint/correctness/noPrecisionLoss: nanoseconds as a JS number, as protobufjs takes them; the test needs no exact value
                { traceId: Buffer.from(newTraceId(), 'hex'), spanId: Buffer.from('01'.repeat(8), 'hex'), name: 'ok', startTimeUnixNano: 1_790_000_000_000_000_000, endTimeUnixNano: 1_790_000_000_000_000_001 },
                { traceId: Buffer.alloc(3), spanId: Buffer.from('02'.repeat(8), 'hex'), name: 'short id' },
              ],
            },
          ],
        },
      ],
    });
    const res = await fetch(`${c.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: ExportTraceServiceRequest.encode(msg).finish().slice(),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    const reply = ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(new Uint8Array(await res.arrayBuffer())), { longs: Number });
    expect(reply.partialSuccess.rejectedSpans).toBe(1);
  });

  it('answers 400 for an undecodable body, 415 for another content type, 413 past the size limits', async () => {
    const garbage = await fetch(`${c.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.from([0xff, 0xff, 0xff, 0x0f]) });
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as any).error.code).toBe('undecodable_body');
    const json = await postJson(c.url, '{"resourceSpans": [');
    expect(json.status).toBe(400);
    const xml = await fetch(`${c.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<a/>' });
    expect(xml.status).toBe(415);
    const big = await postJson(c.url, 'x'.repeat(300 * 1024));
    expect(big.status).toBe(413);
    // A gzip bomb: small on the wire, far past the decompressed limit.
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 32));
    expect(bomb.length).toBeLessThan(256 * 1024);
    const res = await fetch(`${c.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: bomb });
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).error.message).toMatch(/decompressed body exceeds/);
  });

  it('treats an integer-encoded score (1.0 sent as intValue) like a double, and links evaluations to spans of earlier requests', async () => {
    const task = span({ name: 'task', attrs: { 'evaltrace.dataset.name': 'int-score', 'evaltrace.task.success': true } });
    await postJson(c.url, request([task]));
    const judge = span({
      name: 'judge',
      links: [{ traceId: task.traceId, spanId: task.spanId }],
      attrs: {
        'gen_ai.evaluation.name': 'correctness',
        'gen_ai.evaluation.score.value': 1,
        'gen_ai.evaluation.score.label': 'correct',
        'evaltrace.judge.name': 'j',
        'evaltrace.judge.version': '1',
      },
    });
    await postJson(c.url, request([judge]));
    const [t] = await triple('int-score');
    expect(t.judges).toEqual([
      expect.objectContaining({ judge: 'j', judge_version: '1', evaluation: 'correctness', n_scored: 1, score_mean: 1, pass_rate: 1 }),
    ]);
  });

  it('reports an unknown model as unpriced with a null cost, never as zero', async () => {
    const s = span({
      attrs: { 'evaltrace.dataset.name': 'unpriced', 'gen_ai.request.model': 'my-finetune-x', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 5, 'evaltrace.task.success': true },
    });
    await postJson(c.url, request([s]));
    const [t] = await triple('unpriced');
    expect(t).toMatchObject({ cost_usd: null, cost_per_success: null, unpriced_traces: 1, input_tokens: 10 });
  });

  it('counts an LLM call that reported no token usage as unpriced, not as free', async () => {
    const s = span({ attrs: { 'evaltrace.dataset.name': 'no-usage', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.operation.name': 'chat' } });
    await postJson(c.url, request([s]));
    const [t] = await triple('no-usage');
    expect(t).toMatchObject({ cost_usd: null, unpriced_traces: 1, input_tokens: 0 });
  });

  it('keeps attributes whose keys name Object.prototype properties (__proto__, constructor), nested ones too', async () => {
    const s = span({ attrs: { 'evaltrace.dataset.name': 'proto-keys' } });
    s.attributes!.push(
      { key: '__proto__', value: { stringValue: 'kept' } },
      { key: 'constructor', value: { stringValue: 'also kept' } },
      { key: 'nested', value: { kvlistValue: { values: [{ key: '__proto__', value: { stringValue: 'inner' } }] } } } as any,
    );
    expect((await postJson(c.url, request([s]))).status).toBe(200);
    const { body } = await getJson(c, `/api/traces/${s.traceId}`);
    const attrs = body.spans[0].attributes;
    expect(Object.getOwnPropertyDescriptor(attrs, '__proto__')?.value).toBe('kept');
    expect(attrs.constructor).toBe('also kept');
    expect(JSON.parse(attrs.nested)).toEqual(JSON.parse('{"__proto__":"inner"}'));
  });

  it('truncates over-long attribute values with a visible marker and counts it in /metrics', async () => {
    const s = span({ attrs: { 'evaltrace.dataset.name': 'long', 'gen_ai.input.messages': 'y'.repeat(5000) } });
    await postJson(c.url, request([s]));
    const { body } = await getJson(c, `/api/traces/${s.traceId}`);
    const v: string = body.spans[0].attributes['gen_ai.input.messages'];
    expect(v.startsWith('y'.repeat(1024))).toBe(true);
    expect(v).toMatch(/…\[truncated 3976 chars\]$/);
    const metrics = await (await fetch(`${c.url}/metrics`)).text();
    expect(metrics).toMatch(/^evaltrace_truncations_total [1-9]/m);
  });

  it('keeps a span\'s name, events and links within their limits, and still reads evaluation events past the event limit', async () => {
    const s = span({ name: 'n'.repeat(100), attrs: { 'evaltrace.dataset.name': 'bounded' } });
    const other = span({});
    const event = (name: string, attrs: Record<string, string | number> = {}) => ({
      timeUnixNano: s.startTimeUnixNano,
      name,
      attributes: Object.entries(attrs).map(([key, v]) => ({ key, value: typeof v === 'number' ? { doubleValue: v } : { stringValue: v } })),
    });
    const verdict = (score: number) => event('gen_ai.evaluation.result', { 'gen_ai.evaluation.name': 'q', 'gen_ai.evaluation.score.value': score, 'evaltrace.judge.name': 'j', 'evaltrace.judge.version': '1' });
    const body = { ...s, events: [event('e0'), event('e1'), event('x'.repeat(80)), verdict(0.25), verdict(0.75)], links: [0, 1, 2].map(() => ({ traceId: other.traceId, spanId: other.spanId })) };
    expect((await postJson(c.url, request([body]))).status).toBe(200);
    const { body: trace } = await getJson(c, `/api/traces/${s.traceId}`);
    const stored = trace.spans[0];
    expect(stored.name.startsWith('n'.repeat(64))).toBe(true);
    expect(stored.name).toMatch(/…\[truncated 36 chars\]$/);
    expect(stored.events.map((e: any) => e.name.slice(0, 2))).toEqual(['e0', 'e1', 'xx']);
    expect(stored.events[2].name).toMatch(/…\[truncated 16 chars\]$/);
    expect(stored.links).toHaveLength(2);
    expect(trace.evaluations.map((e: any) => e.score).sort()).toEqual([0.25, 0.75]);
  });

  it('reports the process resident memory and the V8 heap in /metrics', async () => {
    const metrics = await (await fetch(`${c.url}/metrics`)).text();
    const gauge = (name: string) => Number(new RegExp(`^# TYPE ${name} gauge\\n${name} (\\d+)$`, 'm').exec(metrics)?.[1]);
    const rss = gauge('process_resident_memory_bytes');
    const used = gauge('nodejs_heap_size_used_bytes');
    const total = gauge('nodejs_heap_size_total_bytes');
    expect(rss).toBeGreaterThan(10 * 2 ** 20);
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThanOrEqual(total);
    expect(total).toBeLessThan(rss);
  });
});
