import { gzipSync } from 'node:zlib';
import { ExportTraceServiceRequest } from '../collector/otlp/proto.js';

const MARKER = Buffer.from([0xe7, 0x1a, 0xc3, 0x5d]);
const MARKER_HEX = MARKER.toString('hex');

/**
 * Shared by every factory in the process, so no two bodies carry the same
 * trace ids: a second factory (another encoding, a later round) that started
 * counting at 1 again would re-send the first one's traces, and dedup would
 * drop them instead of storing them.
 */
let counter = 0;

export type PayloadEncoding = 'protobuf' | 'json' | 'protobuf+gzip';

export interface PayloadFactory {
  spansPerRequest: number;
  contentType: string;
  gzip: boolean;
  /** A new request body whose trace ids no earlier body used. */
  next(): Buffer;
}

function attr(key: string, v: string | number | boolean) {
  const value = typeof v === 'string' ? { stringValue: v } : typeof v === 'boolean' ? { boolValue: v } : { intValue: v };
  return { key, value };
}

/**
 * OTLP requests of realistic task traces (root with versions, LLM calls with
 * tokens and captured content, tool spans). Bodies are built once; each
 * next() patches a 4-byte marker at the start of every trace id with the
 * process-wide counter, so every request carries fresh traces (dedup never
 * short-cuts the measured path) without rebuilding or re-encoding the body.
 */
export interface LoadShape {
  traces: number;
  spansPerTrace: number;
  /** How many of a trace's spans after the root are LLM calls (the rest are tool spans). */
  llmPerTrace: number;
}

/** The bench's own load: 500-span requests, 4 LLM calls and 15 tool spans under each task root. */
export const BENCH_LOAD: LoadShape = { traces: 25, spansPerTrace: 20, llmPerTrace: 4 };
/** #23's load: 1,000-span requests where 19 of 20 spans are LLM calls with model, tokens and cost. */
export const LLM_LOAD: LoadShape = { traces: 50, spansPerTrace: 20, llmPerTrace: 19 };

/** The resource an app instrumented by evaltrace's init() sends: OTel's SDK keys and the run's envelope (src/envelope.ts). */
const RESOURCE = [
  attr('service.name', 'bench'),
  attr('telemetry.sdk.language', 'nodejs'),
  attr('telemetry.sdk.name', 'opentelemetry'),
  attr('telemetry.sdk.version', '2.2.0'),
  attr('evaltrace.code.version', '3f2a9c1'),
  attr('evaltrace.env.runtime', 'node 20.20.0'),
  attr('evaltrace.env.platform', 'linux-x64'),
  attr('evaltrace.env.dependencies_hash', 'sha256:9b1c'),
  attr('evaltrace.cost.price_table', '2026-11-01'),
];

export function payloads(encoding: PayloadEncoding, shape: LoadShape = BENCH_LOAD): PayloadFactory {
  const { traces, spansPerTrace, llmPerTrace } = shape;
  const start = BigInt(Date.now() - 3_600_000) * 1_000_000n;
  const spans = [];
  for (let t = 0; t < traces; t++) {
    const traceId = Buffer.concat([MARKER, Buffer.from(t.toString(16).padStart(24, '0'), 'hex')]);
    const rootId = Buffer.from(`${(t + 1).toString(16).padStart(4, '0')}000000000001`, 'hex');
    for (let k = 0; k < spansPerTrace; k++) {
      const llm = k >= 1 && k <= llmPerTrace;
      const attributes = k === 0
        ? [attr('evaltrace.dataset.name', 'bench'), attr('evaltrace.dataset.version', 'v1'), attr('evaltrace.example.id', `ex-${t}`), attr('evaltrace.prompt.name', 'answer'), attr('evaltrace.prompt.version', `v${t % 3}`), attr('evaltrace.task.success', t % 4 !== 0)]
        : llm
          ? [attr('gen_ai.operation.name', 'chat'), attr('gen_ai.provider.name', 'openai'), attr('gen_ai.request.model', 'gpt-4o-mini'), attr('gen_ai.usage.input_tokens', 300 + k * 17), attr('gen_ai.usage.output_tokens', 40 + k), attr('gen_ai.response.id', `chatcmpl-${t}-${k}`), attr('gen_ai.input.messages', JSON.stringify([{ role: 'user', content: `Question ${t}: ${'lorem ipsum '.repeat(20)}` }])), attr('gen_ai.output.messages', JSON.stringify([{ role: 'assistant', content: 'dolor sit amet '.repeat(10) }]))]
          : [attr('tool.name', 'search'), attr('retrieval.documents', k)];
      const s = start + BigInt(t * 1_000_000_000 + k * 1_000_000);
      spans.push({
        traceId,
        spanId: Buffer.from(`${(t + 1).toString(16).padStart(4, '0')}${(k + 1).toString(16).padStart(12, '0')}`, 'hex'),
        parentSpanId: k === 0 ? Buffer.alloc(0) : rootId,
        name: k === 0 ? 'task' : llm ? 'chat gpt-4o-mini' : 'search',
        kind: llm ? 3 : 1,
        startTimeUnixNano: s.toString(),
        endTimeUnixNano: (s + 5_000_000n).toString(),
        attributes,
      });
    }
  }
  const message = { resourceSpans: [{ resource: { attributes: RESOURCE }, scopeSpans: [{ scope: { name: 'bench' }, spans }] }] };
  const spansPerRequest = traces * spansPerTrace;
  if (encoding === 'json') {
    const json = JSON.stringify(message, (_k, v) => (v?.type === 'Buffer' ? Buffer.from(v.data).toString('hex') : v));
    const parts = json.split(MARKER_HEX);
    if (parts.length - 1 !== spansPerRequest) throw new Error('marker collision in JSON template');
    return { spansPerRequest, contentType: 'application/json', gzip: false, next: () => Buffer.from(parts.join((++counter).toString(16).padStart(8, '0'))) };
  }
  const template = Buffer.from(ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(message)).finish());
  const offsets: number[] = [];
  for (let i = template.indexOf(MARKER); i !== -1; i = template.indexOf(MARKER, i + 1)) offsets.push(i);
  if (offsets.length !== spansPerRequest) throw new Error('marker collision in protobuf template');
  const gzip = encoding === 'protobuf+gzip';
  return {
    spansPerRequest,
    contentType: 'application/x-protobuf',
    gzip,
    next() {
      const body = Buffer.from(template);
      counter += 1;
      for (const o of offsets) body.writeUInt32BE(counter, o);
      return gzip ? gzipSync(body) : body;
    },
  };
}
