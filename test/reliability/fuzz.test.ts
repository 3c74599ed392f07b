import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportTraceServiceRequest } from '../../collector/otlp/proto.js';
import type { RunningCollector } from '../../collector/server.js';
import { getJson, startTestCollector } from '../helpers/collector.js';
import { kv, newSpanId, newTraceId, postJson, request, span } from '../helpers/otlp-json.js';

const RUNS = 60;
const TRACE_FIELDS = ['dataset', 'dataset_version', 'model', 'prompt', 'prompt_version'];
const INJECTIONS = ["'; DROP TABLE spans; --", "' OR 1=1 --", '{project:String}', '\\', '\u0000', "x' UNION SELECT * FROM system.users --", '%00', '😀'.repeat(3)];

const hostileString = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.constantFrom(...INJECTIONS),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constant('z'.repeat(200_000)),
);
const hostileNumber = fc.oneof(
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, -0, 2 ** 63, Number.MAX_VALUE),
  fc.integer(),
);
const hostileId = (len: number) =>
  fc.oneof(fc.constant('0'.repeat(len)), fc.string({ maxLength: len + 4 }), fc.stringMatching(new RegExp(`^[0-9a-f]{${len}}$`)), fc.constant('G'.repeat(len)));
const hostileTime = fc.oneof(
  fc.constantFrom('0', '1', '-5', '99999999999999999999999', 'NaN', '1e30', '253402300800000000000'),
  fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String),
);
const hostileSpan = fc.record({
  traceId: hostileId(32),
  spanId: hostileId(16),
  name: hostileString,
  kind: fc.oneof(fc.integer(), fc.string({ maxLength: 5 })),
  startTimeUnixNano: hostileTime,
  endTimeUnixNano: hostileTime,
  attributes: fc.array(
    fc.record({
      key: fc.oneof(hostileString, fc.constantFrom('gen_ai.usage.input_tokens', 'evaltrace.cost.usd', 'gen_ai.evaluation.score.value', 'evaltrace.task.success', 'evaltrace.dataset.name')),
      value: fc.oneof(
        hostileString.map((s) => ({ stringValue: s })),
        hostileNumber.map((d) => ({ doubleValue: Number.isFinite(d) ? d : String(d) })),
        fc.integer().map((i) => ({ intValue: String(i) })),
        fc.constant({ arrayValue: { values: [{ arrayValue: { values: [{ kvlistValue: { values: [{ key: 'k', value: { stringValue: 'deep' } }] } }] } }] } }),
        fc.anything(),
      ),
    }),
    { maxLength: 6 },
  ),
});

describe('hostile and malformed input never crashes the service, leaks, or changes other data', () => {
  let c: RunningCollector;
  let reference: unknown;
  beforeAll(async () => {
    c = await startTestCollector();
    const traceId = newTraceId();
    const root = newSpanId();
    await postJson(c.url, request([
      span({ traceId, spanId: root, name: 'task', attrs: { 'evaltrace.dataset.name': 'reference', 'evaltrace.task.success': true } }),
      span({ traceId, parentSpanId: root, attrs: { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 42, 'gen_ai.usage.output_tokens': 7 } }),
    ]));
    reference = (await getJson(c, '/api/triples?dataset=reference')).body;
  });
  afterAll(async () => {
    // Whatever came before, the reference numbers are unchanged and the service still answers.
    expect((await getJson(c, '/api/triples?dataset=reference')).body).toEqual(reference);
    expect((await fetch(`${c.url}/healthz`)).status).toBe(200);
    await c.close();
  });

  it('answers random bytes, truncated protobuf and invalid JSON with 400 (or 200 when they happen to decode)', async () => {
    const valid = ExportTraceServiceRequest.encode(
      ExportTraceServiceRequest.fromObject({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: 'x'.repeat(40) }] }] }] }),
    ).finish();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((b) => ({ type: 'application/x-protobuf', body: b })),
          fc.integer({ min: 1, max: valid.length - 1 }).map((n) => ({ type: 'application/x-protobuf', body: valid.slice(0, n) })),
          fc.string({ maxLength: 200 }).map((s) => ({ type: 'application/json', body: new TextEncoder().encode(s) })),
          fc.json().map((s) => ({ type: 'application/json', body: new TextEncoder().encode(s) })),
          fc.uint8Array({ maxLength: 100 }).map((b) => ({ type: 'application/json', body: b })),
        ),
        async ({ type, body }) => {
          const res = await fetch(`${c.url}/v1/traces`, { method: 'POST', headers: { 'content-type': type }, body: body.slice() });
          expect([200, 400]).toContain(res.status);
          const text = await res.text();
          if (res.status === 400) expect(JSON.parse(text).error.message).toBeTypeOf('string');
          expect(text).not.toMatch(/at .*\.ts:\d+/);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('rejects hostile spans one by one while the valid span in the same request lands exactly once', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(hostileSpan, { minLength: 1, maxLength: 4 }), async (hostile) => {
        n += 1;
        const dataset = `valid-${n}`;
        const good = span({ name: 'task', attrs: { 'evaltrace.dataset.name': dataset } });
        const res = await postJson(c.url, request([...hostile, good]));
        expect(res.status).toBe(200);
        expect(res.body.partialSuccess?.rejectedSpans ?? 0).toBeLessThanOrEqual(hostile.length);
        const { body } = await getJson(c, `/api/triples?dataset=${encodeURIComponent(dataset)}`);
        expect(body.triples[0].n_traces).toBe(1);
      }),
      { numRuns: RUNS },
    );
  });

  it('answers deep nesting and invalid UTF-8 in protobuf strings without failing the request', async () => {
    const depth = 5000;
    const nested = `${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"leaf"}${']}}'.repeat(depth)}`;
    const body = JSON.stringify(request([{ ...span({}), attributes: [{ key: 'deep', value: 'NESTED' }] }])).replace('"NESTED"', nested);
    const deep = await postJson(c.url, body);
    expect([200, 400]).toContain(deep.status);

    const good = span({ attrs: { 'evaltrace.dataset.name': 'utf8' } });
    const msg = ExportTraceServiceRequest.encode(
      ExportTraceServiceRequest.fromObject({
        resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Buffer.from(good.traceId, 'hex'), spanId: Buffer.from(good.spanId, 'hex'), name: 'NAME', startTimeUnixNano: good.startTimeUnixNano, endTimeUnixNano: good.endTimeUnixNano, attributes: [{ key: 'evaltrace.dataset.name', value: { stringValue: 'utf8' } }] }] }] }],
      }),
    ).finish();
    const bytes = Buffer.from(msg);
    bytes.set([0xff, 0xfe, 0xc3, 0x28], bytes.indexOf('NAME'));
    const res = await fetch(`${c.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: bytes });
    expect(res.status).toBe(200);
    expect((await getJson(c, '/api/triples?dataset=utf8')).body.triples[0].n_traces).toBe(1);
  });

  it('answers hostile values in every query parameter with 200 or 400, never a server error', async () => {
    const paths = ['/api/triples', '/api/traces'];
    const params = ['dataset', 'dataset_version', 'model', 'prompt', 'prompt_version', 'since', 'until', 'judge', 'judge_version', 'limit', 'cursor'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.constantFrom(...params), hostileString, async (path, key, value) => {
        const res = await fetch(`${c.url}${path}?${new URLSearchParams({ [key]: value.slice(0, 4000) })}`);
        expect([200, 400]).toContain(res.status);
        const body = (await res.json()) as any;
        // A filter on a trace field only ever returns rows with exactly that value.
        if (res.status === 200 && path === '/api/triples' && TRACE_FIELDS.includes(key)) {
          for (const t of body.triples) expect(t[key]).toBe(value.slice(0, 4000));
        }
      }),
      { numRuns: RUNS },
    );
    const probe = await fetch(`${c.url}/api/traces/${encodeURIComponent("' OR 1=1 --")}`);
    expect(probe.status).toBe(404);
  });

  it('keeps attribute keys and values with SQL syntax as plain data', async () => {
    const s = span({ attributes: kv({ 'evaltrace.dataset.name': "x'); DROP TABLE spans; --", "k'ey": "v'al" }) });
    await postJson(c.url, request([s]));
    const { body } = await getJson(c, `/api/triples?dataset=${encodeURIComponent("x'); DROP TABLE spans; --")}`);
    expect(body.triples[0].n_traces).toBe(1);
    expect((await getJson(c, `/api/traces/${s.traceId}`)).body.spans[0].attributes["k'ey"]).toBe("v'al");
  });
});
