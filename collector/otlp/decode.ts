import { invalid } from '../errors.js';
import { type AttrValue, type Attributes, type Malformed, type OtlpLogEnvelope, type OtlpScope, type OtlpSpanEnvelope, setOwn } from './model.js';
import { ExportLogsServiceRequest } from './proto.js';
import { decodeTraceRequest } from './traces-protobuf.js';
import { WireError } from './wire.js';

export type Encoding = 'protobuf' | 'json';

/** Decodes an ExportTraceServiceRequest; throws an invalid DomainError when the body as a whole is unreadable. */
export function decodeTraces(body: Uint8Array, encoding: Encoding): Array<OtlpSpanEnvelope | Malformed> {
  if (encoding === 'json') return tracesFromMessage(parseJson(body));
  try {
    return decodeTraceRequest(body);
  } catch (err) {
    if (err instanceof WireError) throw invalid(`body is not a valid OTLP protobuf message: ${err.message}`, 'undecodable_body');
    throw err;
  }
}

/**
 * The spans of an ExportTraceServiceRequest given as an object: parsed OTLP
 * JSON, or a message protobufjs decoded (what the protobuf path's answer is
 * held equal to in test/collector/otlp-protobuf.test.ts).
 */
export function tracesFromMessage(request: unknown): Array<OtlpSpanEnvelope | Malformed> {
  const out: Array<OtlpSpanEnvelope | Malformed> = [];
  for (const rs of list(request, 'resourceSpans', 'resource_spans')) {
    const resource = attributes(field(obj(field(obj(rs), 'resource')), 'attributes'));
    for (const ss of list(rs, 'scopeSpans', 'scope_spans')) {
      const scope = readScope(ss);
      for (const raw of list(ss, 'spans')) {
        const span = readSpan(raw);
        out.push('malformed' in span ? span : { resource, scope, span });
      }
    }
  }
  return out;
}

/** Decodes an ExportLogsServiceRequest; throws an invalid DomainError when the body as a whole is unreadable. */
export function decodeLogs(body: Uint8Array, encoding: Encoding): Array<OtlpLogEnvelope | Malformed> {
  const request = encoding === 'protobuf' ? decodeProtobuf(ExportLogsServiceRequest, body) : parseJson(body);
  const out: Array<OtlpLogEnvelope | Malformed> = [];
  for (const rl of list(request, 'resourceLogs', 'resource_logs')) {
    const resource = attributes(field(obj(field(obj(rl), 'resource')), 'attributes'));
    for (const sl of list(rl, 'scopeLogs', 'scope_logs')) {
      const scope = readScope(sl);
      for (const raw of list(sl, 'logRecords', 'log_records')) {
        const r = obj(raw);
        if (!r) {
          out.push({ malformed: 'log record is not an object' });
          continue;
        }
        out.push({
          resource,
          scope,
          record: {
            timeNs: nanos(field(r, 'timeUnixNano', 'time_unix_nano')),
            observedNs: nanos(field(r, 'observedTimeUnixNano', 'observed_time_unix_nano')),
            eventName: str(field(r, 'eventName', 'event_name')),
            traceId: id(field(r, 'traceId', 'trace_id')),
            spanId: id(field(r, 'spanId', 'span_id')),
            attributes: attributes(field(r, 'attributes')),
            body: anyValue(field(r, 'body')),
          },
        });
      }
    }
  }
  return out;
}

interface ProtoType {
  decode(reader: Uint8Array): object;
}

function decodeProtobuf(type: ProtoType, body: Uint8Array): unknown {
  try {
    return type.decode(body);
  } catch (err) {
    throw invalid(`body is not a valid OTLP protobuf message: ${(err as Error).message}`, 'undecodable_body');
  }
}

function parseJson(body: Uint8Array): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (err) {
    throw invalid(`body is not valid UTF-8 JSON: ${(err as Error).message}`, 'undecodable_body');
  }
  if (!obj(parsed)) throw invalid('OTLP JSON body must be an object', 'undecodable_body');
  return parsed;
}

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** OTLP JSON uses lowerCamelCase; protobuf JSON parsers also accept the proto names. */
function field(o: Obj | undefined, ...names: string[]): unknown {
  if (!o) return undefined;
  for (const n of names) if (o[n] !== undefined && o[n] !== null) return o[n];
  return undefined;
}

function list(o: unknown, ...names: string[]): unknown[] {
  const v = field(obj(o), ...names);
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw invalid(`"${names[0]}" must be an array`, 'undecodable_body');
  return v;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Protobuf gives bytes; OTLP JSON gives hex strings (validated later). */
function id(v: unknown): string {
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  return typeof v === 'string' ? v.toLowerCase() : '';
}

/** Unsigned 64-bit nanoseconds as a decimal string: protobuf Long, JSON string or number. */
function nanos(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (isLong(v)) return v.toString();
  return '0';
}

interface LongLike {
  low: number;
  high: number;
  toString(): string;
  toNumber(): number;
}

function isLong(v: unknown): v is LongLike {
  return obj(v) !== undefined && typeof (v as Obj).low === 'number' && typeof (v as Obj).high === 'number';
}

function readScope(o: unknown): OtlpScope {
  const s = obj(field(obj(o), 'scope'));
  return { name: str(field(s, 'name')), version: str(field(s, 'version')) };
}

const MAX_NESTING = 8;

export function attributes(v: unknown): Attributes {
  const out: Attributes = {};
  if (!Array.isArray(v)) return out;
  for (const kv of v) {
    const o = obj(kv);
    const key = field(o, 'key');
    if (typeof key === 'string') setOwn(out, key, anyValue(field(o, 'value')));
  }
  return out;
}

const ANY_VALUE_FIELDS = [
  ['stringValue', 'string_value'],
  ['boolValue', 'bool_value'],
  ['intValue', 'int_value'],
  ['doubleValue', 'double_value'],
  ['arrayValue', 'array_value'],
  ['kvlistValue', 'kvlist_value'],
  ['bytesValue', 'bytes_value'],
] as const;

/**
 * AnyValue → plain JS; int64 values become numbers (or decimal strings past
 * 2^53). A decoded protobuf message names its set oneof member in `value`
 * (unset members read as prototype defaults); a JSON object has only the set key.
 */
function anyValue(v: unknown, depth = 0): AttrValue {
  const o = obj(v);
  if (!o) return null;
  let kind: string | undefined;
  let val: unknown;
  if (typeof o.value === 'string') {
    kind = o.value;
    val = o[kind];
  } else {
    for (const [camel, snake] of ANY_VALUE_FIELDS) {
      val = o[camel] ?? o[snake];
      if (val !== undefined && val !== null) {
        kind = camel;
        break;
      }
    }
  }
  switch (kind) {
    case 'stringValue':
      return typeof val === 'string' ? val : null;
    case 'boolValue':
      return typeof val === 'boolean' ? val : null;
    case 'intValue':
      return intValue(val);
    case 'doubleValue':
      return typeof val === 'number' ? val : typeof val === 'string' ? jsonDouble(val) : null;
    case 'bytesValue':
      return val instanceof Uint8Array ? Buffer.from(val).toString('base64') : typeof val === 'string' ? val : null;
  }
  if (depth >= MAX_NESTING) return '[nesting too deep]';
  const values = obj(val)?.values;
  const items = Array.isArray(values) ? values : [];
  if (kind === 'arrayValue') return items.map((x) => anyValue(x, depth + 1));
  if (kind === 'kvlistValue') {
    const out: Record<string, AttrValue> = {};
    for (const kv of items) {
      const e = obj(kv);
      if (typeof e?.key === 'string') setOwn(out, e.key, anyValue(e.value, depth + 1));
    }
    return out;
  }
  return null;
}

function intValue(v: unknown): AttrValue {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = Number(v);
    return /^-?\d+$/.test(v) ? (Number.isSafeInteger(n) ? n : v) : null;
  }
  if (isLong(v)) {
    const n = v.toNumber();
    return Number.isSafeInteger(n) ? n : v.toString();
  }
  return null;
}

/** Protobuf JSON spells non-finite doubles as strings; they are kept and rejected where a number must be finite. */
function jsonDouble(v: string): AttrValue {
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  const n = Number(v);
  return Number.isNaN(n) ? null : n;
}

const SPAN_KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

function enumValue(v: unknown, names: Record<string, number>): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') return names[v] ?? 0;
  return 0;
}

function readSpan(raw: unknown): OtlpSpanEnvelope['span'] | Malformed {
  const s = obj(raw);
  if (!s) return { malformed: 'span is not an object' };
  const status = obj(field(s, 'status'));
  return {
    traceId: id(field(s, 'traceId', 'trace_id')),
    spanId: id(field(s, 'spanId', 'span_id')),
    parentSpanId: id(field(s, 'parentSpanId', 'parent_span_id')),
    name: str(field(s, 'name')),
    kind: enumValue(field(s, 'kind'), SPAN_KINDS),
    startNs: nanos(field(s, 'startTimeUnixNano', 'start_time_unix_nano')),
    endNs: nanos(field(s, 'endTimeUnixNano', 'end_time_unix_nano')),
    attributes: attributes(field(s, 'attributes')),
    events: asArray(field(s, 'events')).map((e) => {
      const eo = obj(e);
      return {
        timeNs: nanos(field(eo, 'timeUnixNano', 'time_unix_nano')),
        name: str(field(eo, 'name')),
        attributes: attributes(field(eo, 'attributes')),
      };
    }),
    links: asArray(field(s, 'links')).map((l) => {
      const lo = obj(l);
      return {
        traceId: id(field(lo, 'traceId', 'trace_id')),
        spanId: id(field(lo, 'spanId', 'span_id')),
        attributes: attributes(field(lo, 'attributes')),
      };
    }),
    statusCode: enumValue(field(status, 'code'), STATUS_CODES),
    statusMessage: str(field(status, 'message')),
  };
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
