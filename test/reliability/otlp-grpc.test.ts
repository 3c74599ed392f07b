import { createServer } from 'node:net';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { credentials, makeGenericClientConstructor, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../collector/config.js';
import { PATHS, rawMethod } from '../../collector/grpc/receiver.js';
import { DEFAULT_LIMITS } from '../../collector/limits.js';
import { ExportTraceServiceRequest, ExportTraceServiceResponse, RetryInfo, RpcStatus } from '../../collector/otlp/proto.js';
import type { RunningCollector } from '../../collector/server.js';
import { startTestCollector } from '../helpers/collector.js';
import { clamp01, derive, planBaseline, sendGateTasks } from '../helpers/gate-scenarios.js';
import { Capture, exportSpans } from '../helpers/otel.js';
import { newTraceId, span } from '../helpers/otlp-json.js';
import { rounded } from '../helpers/same-answers.js';

/**
 * OTLP/gRPC: the real @opentelemetry/exporter-{trace,logs}-otlp-grpc
 * exporters, and a raw gRPC client for what no exporter sends (hostile
 * bytes, bombs, floods), against the receiver with the limits, keys and
 * partial success of OTLP/HTTP.
 */
const TRACE_PATH = PATHS.traces;
const KEYS = new Map([
  ['grpc-key', 'via-grpc'],
  ['http-key', 'via-http'],
]);
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

const TraceClient = makeGenericClientConstructor({ Export: rawMethod(TRACE_PATH) }, 'TraceService');

interface Answer {
  error: ServiceError | null;
  response?: Buffer;
}

/** One Export call with raw message bytes; `gzip` compresses the message as an exporter with compression does. */
function exportRaw(port: number, message: Uint8Array, o: { key?: string; gzip?: boolean } = {}): Promise<Answer> {
  const client = new TraceClient(`127.0.0.1:${port}`, credentials.createInsecure(), {
    'grpc.default_compression_algorithm': o.gzip ? 2 : 0,
    'grpc.max_send_message_length': -1,
  });
  const metadata = new Metadata();
  if (o.key) metadata.set('authorization', `Bearer ${o.key}`);
  return new Promise((resolve) => {
    (client as unknown as { Export: (m: Buffer, md: Metadata, cb: (e: ServiceError | null, r?: Buffer) => void) => void }).Export(
      Buffer.from(message),
      metadata,
      (error, response) => {
        client.close();
        resolve({ error, response });
      },
    );
  });
}

/** A JSON-shaped OTLP request (helpers/otlp-json) as protobuf bytes. */
const protobufOf = (spans: object[]) =>
  ExportTraceServiceRequest.encode(
    ExportTraceServiceRequest.fromObject({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'raw-grpc' } }] },
          scopeSpans: [{ scope: { name: 't' }, spans: spans.map(toProtoSpan) }],
        },
      ],
    }),
  ).finish();

function toProtoSpan(s: object): object {
  const j = s as { traceId: string; spanId: string; parentSpanId?: string };
  const bytes = (hex: string | undefined) => (hex && /^[0-9a-f]*$/.test(hex) && hex.length % 2 === 0 ? Buffer.from(hex, 'hex') : Buffer.from(hex ?? ''));
  return { ...s, traceId: bytes(j.traceId), spanId: bytes(j.spanId), parentSpanId: bytes(j.parentSpanId) };
}

const retryDelayOf = (e: ServiceError): number | undefined => {
  const raw = e.metadata.get('grpc-status-details-bin')[0];
  if (!(raw instanceof Buffer)) return undefined;
  const detail = RpcStatus.toObject(RpcStatus.decode(raw), { longs: Number }) as { details?: Array<{ typeUrl: string; value: Uint8Array }> };
  const info = detail.details?.find((d) => d.typeUrl === 'type.googleapis.com/google.rpc.RetryInfo');
  return info ? Number((RetryInfo.toObject(RetryInfo.decode(info.value), { longs: Number }) as { retryDelay: { seconds: number } }).retryDelay.seconds) : undefined;
};

async function get(c: RunningCollector, path: string, key: string): Promise<any> {
  const res = await fetch(c.url + path, { headers: bearer(key) });
  expect(res.status, path).toBe(200);
  return res.json();
}

describe('OTLP/gRPC receiver', () => {
  let c: RunningCollector;
  let spans: ReadableSpan[];
  beforeAll(async () => {
    c = await startTestCollector({ apiKeys: KEYS, grpc: { port: 0, required: true } });
    const capture = new Capture();
    const baseline = planBaseline({ seed: 3, datasetVersion: 'd1', count: 30, model: 'gpt-x', promptVersion: 'v1' });
    await sendGateTasks('unused', [...baseline, ...derive(baseline, 'v2', (t) => ({ score: clamp01(t.score + 0.1) }))], {}, undefined, capture);
    spans = capture.spans;
  });
  afterAll(async () => {
    expect((await fetch(`${c.url}/healthz`)).status).toBe(200);
    await c.close();
  });

  it('stores what the real OTLP/gRPC trace exporter sends exactly as the same spans sent over OTLP/HTTP', async () => {
    expect(c.grpcPort).toBeGreaterThan(0);
    const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${c.grpcPort}`, metadata: metadataOf(bearer('grpc-key')) });
    for (let i = 0; i < spans.length; i += 25) {
      const result = await new Promise<{ code: ExportResultCode; error?: Error }>((r) => exporter.export(spans.slice(i, i + 25), r));
      expect(result.code, result.error?.message).toBe(ExportResultCode.SUCCESS);
    }
    await exporter.shutdown();
    await exportSpans(c.url, spans, 25, 1, undefined, bearer('http-key'));
    const paths = ['/api/triples', '/api/prompts?prompt=answer', '/api/compare/prompts?prompt=answer&a=v1&b=v2', '/api/traces?limit=1000'];
    const viaGrpc = await Promise.all(paths.map((p) => get(c, p, 'grpc-key')));
    const viaHttp = await Promise.all(paths.map((p) => get(c, p, 'http-key')));
    expect(viaGrpc[0].triples).toHaveLength(2);
    expect(rounded(viaGrpc)).toEqual(rounded(viaHttp));
  });

  it('takes gzip-compressed calls, as exporters with compression send them', async () => {
    const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${c.grpcPort}`, compression: 'gzip' as never, metadata: metadataOf(bearer('grpc-key')) });
    const traceId = newTraceId();
    const one = spans.find((s) => s.parentSpanContext === undefined)!;
    const renamed = { ...one, spanContext: () => ({ ...one.spanContext(), traceId }), name: 'compressed' } as ReadableSpan;
    const result = await new Promise<{ code: ExportResultCode; error?: Error }>((r) => exporter.export([renamed], r));
    await exporter.shutdown();
    expect(result.code, result.error?.message).toBe(ExportResultCode.SUCCESS);
    expect((await fetch(`${c.url}/api/traces/${traceId}`, { headers: bearer('grpc-key') })).status).toBe(200);
  });

  it('takes evaluation events from the real OTLP/gRPC log exporter', async () => {
    const target = spans.find((s) => s.parentSpanContext === undefined)!.spanContext();
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'judge' }),
      processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `http://127.0.0.1:${c.grpcPort}`, metadata: metadataOf(bearer('grpc-key')) }) })],
    });
    provider.getLogger('judge').emit({
      eventName: 'gen_ai.evaluation.result',
      context: trace.setSpanContext(ROOT_CONTEXT, target),
      attributes: {
        'gen_ai.evaluation.name': 'grpc-logged',
        'gen_ai.evaluation.score.value': 0.25,
        'evaltrace.judge.name': 'log-judge',
        'evaltrace.judge.version': 'l1',
      },
    });
    await provider.forceFlush();
    await provider.shutdown();
    const detail = await get(c, `/api/traces/${target.traceId}`, 'grpc-key');
    expect(JSON.stringify(detail)).toContain('grpc-logged');
  });

  it('answers UNAUTHENTICATED, with one message, for a missing or unknown key', async () => {
    const message = protobufOf([span({ attrs: { 'evaltrace.dataset.name': 'nokey' } })]);
    const answers = await Promise.all([exportRaw(c.grpcPort!, message), exportRaw(c.grpcPort!, message, { key: 'wrong' })]);
    for (const a of answers) expect(a.error?.code).toBe(status.UNAUTHENTICATED);
    expect(answers[0]!.error!.details).toBe(answers[1]!.error!.details);
    expect(answers[0]!.error!.details).not.toContain('wrong');
  });

  it('rejects invalid spans one by one through partial_success while the valid one lands', async () => {
    const good = span({ attrs: { 'evaltrace.dataset.name': 'partial-grpc' } });
    const bad = { ...span({}), traceId: '00'.repeat(16) };
    const { error, response } = await exportRaw(c.grpcPort!, protobufOf([good, bad]), { key: 'grpc-key' });
    expect(error).toBeNull();
    const decoded = ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(response!), { longs: Number }) as {
      partialSuccess?: { rejectedSpans: number; errorMessage: string };
    };
    expect(decoded.partialSuccess?.rejectedSpans).toBe(1);
    expect(decoded.partialSuccess?.errorMessage).toMatch(/trace/i);
    const triples = await get(c, '/api/triples?dataset=partial-grpc', 'grpc-key');
    expect(triples.triples[0].n_traces).toBe(1);
  });

  it('answers hostile messages with INVALID_ARGUMENT or RESOURCE_EXHAUSTED, stores nothing of them, and keeps serving', async () => {
    const before = await get(c, '/api/triples', 'grpc-key');
    const valid = protobufOf([span({ attrs: { 'evaltrace.dataset.name': 'never' } })]);
    const answers = {
      randomBytes: await exportRaw(c.grpcPort!, Buffer.from('\xff\xff\xff\xff garbage \x00\x01', 'latin1'), { key: 'grpc-key' }),
      truncated: await exportRaw(c.grpcPort!, valid.slice(0, valid.length - 7), { key: 'grpc-key' }),
      // 20 MiB of zeros in ~20 KiB: stopped while inflating, at the 8 MiB limit.
      gzipBomb: await exportRaw(c.grpcPort!, Buffer.alloc(20 * 1024 * 1024), { key: 'grpc-key', gzip: true }),
      oversize: await exportRaw(c.grpcPort!, Buffer.alloc(DEFAULT_LIMITS.maxBodyBytes + 1024, 0x0a), { key: 'grpc-key' }),
    };
    expect(answers.randomBytes.error?.code).toBe(status.INVALID_ARGUMENT);
    expect(answers.truncated.error?.code).toBe(status.INVALID_ARGUMENT);
    expect(answers.gzipBomb.error?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(answers.oversize.error?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(gzipSync(Buffer.alloc(20 * 1024 * 1024)).length).toBeLessThan(DEFAULT_LIMITS.maxBodyBytes);
    expect(await get(c, '/api/triples', 'grpc-key')).toEqual(before);
  });

  it('answers any bytes with OK (they happened to decode) or INVALID_ARGUMENT, never an internal error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        const { error } = await exportRaw(c.grpcPort!, bytes, { key: 'grpc-key' });
        expect([undefined, status.INVALID_ARGUMENT]).toContain(error?.code ?? undefined);
      }),
      { numRuns: 60 },
    );
  });

  it('counts export calls by method and status code in /metrics', async () => {
    const metrics = await (await fetch(`${c.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`evaltrace_grpc_requests_total\\{method="${TRACE_PATH}",code="OK"\\} \\d+`));
    expect(metrics).toMatch(/evaltrace_grpc_requests_total\{method="[^"]+",code="UNAUTHENTICATED"\} 2/);
  });
});

describe('OTLP/gRPC backpressure and limits', () => {
  let c: RunningCollector | undefined;
  afterEach(async () => {
    await c?.close();
    c = undefined;
  });

  const flood = async (port: number, dataset: string, calls: number, n: number) =>
    Promise.all(
      Array.from({ length: calls }, () =>
        exportRaw(port, protobufOf(Array.from({ length: n }, () => span({ attrs: { 'evaltrace.dataset.name': dataset, 'gen_ai.input.messages': 'x'.repeat(2000) } })))),
      ),
    );
  const stored = async (dataset: string) => {
    const res = await fetch(`${c!.url}/api/triples?dataset=${dataset}`);
    return ((await res.json()) as { triples: Array<{ n_traces: number }> }).triples[0]?.n_traces ?? 0;
  };

  it('answers RESOURCE_EXHAUSTED with a retry delay past the in-flight limit, and stores exactly the acknowledged spans', async () => {
    c = await startTestCollector({ maxInflightRequests: 1, grpc: { port: 0, required: true } });
    const answers = await flood(c.grpcPort!, 'grpc-inflight', 30, 20);
    const refused = answers.filter((a) => a.error?.code === status.RESOURCE_EXHAUSTED);
    const ok = answers.filter((a) => a.error === null).length;
    expect(refused.length).toBeGreaterThan(0);
    expect(ok + refused.length).toBe(30);
    for (const r of refused) expect(retryDelayOf(r.error!)).toBeGreaterThan(0);
    expect(await stored('grpc-inflight')).toBe(ok * 20);
  });

  it('answers UNAVAILABLE with a retry delay when the group-commit queue is full', async () => {
    c = await startTestCollector({ maxPendingRows: 30, grpc: { port: 0, required: true } });
    const answers = await flood(c.grpcPort!, 'grpc-queue', 30, 20);
    const refused = answers.filter((a) => a.error?.code === status.UNAVAILABLE);
    expect(refused.length).toBeGreaterThan(0);
    expect(retryDelayOf(refused[0]!.error!)).toBe(1);
    expect(await stored('grpc-queue')).toBe(answers.filter((a) => a.error === null).length * 20);
  });

  it('rejects a call with more spans than the per-request limit as a whole, naming the limit', async () => {
    c = await startTestCollector({ limits: { ...DEFAULT_LIMITS, maxSpansPerRequest: 10 }, grpc: { port: 0, required: true } });
    const [answer] = await flood(c.grpcPort!, 'grpc-too-many', 1, 11);
    expect(answer!.error?.code).toBe(status.INVALID_ARGUMENT);
    expect(answer!.error?.details).toMatch(/11 spans; the limit is 10/);
  });

  it('starts without gRPC, saying so, when the default port is taken; stops the start when a port set explicitly is', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      c = await startTestCollector({ grpc: { port, required: false } });
      expect(c.grpcPort).toBeNull();
      expect(warn.mock.calls.map((args) => String(args[0])).join('\n')).toMatch(new RegExp(`OTLP/gRPC off: cannot listen on port ${port}.*EVALTRACE_GRPC_PORT`));
      expect((await fetch(`${c.url}/healthz`)).status).toBe(200);
      await c.close();
      c = undefined;
      await expect(startTestCollector({ grpc: { port, required: true } })).rejects.toThrow(/OTLP\/gRPC: cannot listen on port \d+ .*EVALTRACE_GRPC_PORT/);
    } finally {
      warn.mockRestore();
      taken.close();
    }
  });

  it('reads EVALTRACE_GRPC_PORT: 4317 by default, a port, or off', () => {
    expect(loadConfig({}).grpc).toEqual({ port: 4317, required: false });
    expect(loadConfig({ EVALTRACE_GRPC_PORT: '5317' }).grpc).toEqual({ port: 5317, required: true });
    expect(loadConfig({ EVALTRACE_GRPC_PORT: 'off' }).grpc).toBeNull();
    expect(() => loadConfig({ EVALTRACE_GRPC_PORT: 'many' })).toThrow(/EVALTRACE_GRPC_PORT/);
  });
});

function metadataOf(headers: Record<string, string>): Metadata {
  const m = new Metadata();
  for (const [k, v] of Object.entries(headers)) m.set(k, v);
  return m;
}
