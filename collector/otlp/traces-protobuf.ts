import { type AttrValue, type Attributes, type OtlpEvent, type OtlpLink, type OtlpScope, type OtlpSpan, type OtlpSpanEnvelope, setOwn } from './model.js';
import { WireReader } from './wire.js';

/**
 * ExportTraceServiceRequest straight from protobuf bytes to spans, without an
 * intermediate message object: the same answer the generic path (protobufjs
 * decode, then the object walk shared with OTLP JSON) gives, at a fraction of
 * its allocations, since decoding is most of the collector's own work per span.
 * Field numbers: opentelemetry/proto/{collector/trace,trace,resource,common}/v1.
 * Throws WireError when the body is not readable protobuf.
 */
export function decodeTraceRequest(body: Uint8Array): OtlpSpanEnvelope[] {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const r = new WireReader(buf);
  const out: OtlpSpanEnvelope[] = [];
  while (!r.done) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) resourceSpans(r.message(), out);
    else r.skip(tag & 7);
  }
  return out;
}

function resourceSpans(r: WireReader, out: OtlpSpanEnvelope[]): void {
  let resource: Attributes = {};
  // Scope spans may come before the resource on the wire; the resource applies to all of them.
  const scopes: WireReader[] = [];
  while (!r.done) {
    const tag = r.uint32();
    // A Resource keeps its attributes in field 1, as a KeyValueList keeps its values.
    if (tag === ((1 << 3) | 2)) resource = keyValues(r.message(), 0);
    else if (tag === ((2 << 3) | 2)) scopes.push(r.message());
    else r.skip(tag & 7);
  }
  for (const s of scopes) scopeSpans(s, resource, out);
}

function scopeSpans(r: WireReader, resource: Attributes, out: OtlpSpanEnvelope[]): void {
  let scope: OtlpScope = { name: '', version: '' };
  const spans: WireReader[] = [];
  while (!r.done) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) scope = instrumentationScope(r.message());
    else if (tag === ((2 << 3) | 2)) spans.push(r.message());
    else r.skip(tag & 7);
  }
  for (const s of spans) out.push({ resource, scope, span: span(s) });
}

function instrumentationScope(r: WireReader): OtlpScope {
  const scope = { name: '', version: '' };
  while (!r.done) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) scope.name = r.string();
    else if (tag === ((2 << 3) | 2)) scope.version = r.string();
    else r.skip(tag & 7);
  }
  return scope;
}

function span(r: WireReader): OtlpSpan {
  const s: OtlpSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    name: '',
    kind: 0,
    startNs: '0',
    endNs: '0',
    attributes: {},
    events: [],
    links: [],
    statusCode: 0,
    statusMessage: '',
  };
  while (!r.done) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | 2:
        s.traceId = r.hex();
        break;
      case (2 << 3) | 2:
        s.spanId = r.hex();
        break;
      case (4 << 3) | 2:
        s.parentSpanId = r.hex();
        break;
      case (5 << 3) | 2:
        s.name = r.string();
        break;
      case (6 << 3) | 0:
        s.kind = r.int32();
        break;
      case (7 << 3) | 1:
        s.startNs = r.fixed64String();
        break;
      case (8 << 3) | 1:
        s.endNs = r.fixed64String();
        break;
      case (9 << 3) | 2:
        keyValue(r.message(), s.attributes, 0);
        break;
      case (11 << 3) | 2:
        s.events.push(event(r.message()));
        break;
      case (13 << 3) | 2:
        s.links.push(link(r.message()));
        break;
      case (15 << 3) | 2:
        status(r.message(), s);
        break;
      default:
        r.skip(tag & 7);
    }
  }
  return s;
}

function event(r: WireReader): OtlpEvent {
  const e: OtlpEvent = { timeNs: '0', name: '', attributes: {} };
  while (!r.done) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 1)) e.timeNs = r.fixed64String();
    else if (tag === ((2 << 3) | 2)) e.name = r.string();
    else if (tag === ((3 << 3) | 2)) keyValue(r.message(), e.attributes, 0);
    else r.skip(tag & 7);
  }
  return e;
}

function link(r: WireReader): OtlpLink {
  const l: OtlpLink = { traceId: '', spanId: '', attributes: {} };
  while (!r.done) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) l.traceId = r.hex();
    else if (tag === ((2 << 3) | 2)) l.spanId = r.hex();
    else if (tag === ((4 << 3) | 2)) keyValue(r.message(), l.attributes, 0);
    else r.skip(tag & 7);
  }
  return l;
}

function status(r: WireReader, s: OtlpSpan): void {
  while (!r.done) {
    const tag = r.uint32();
    if (tag === ((2 << 3) | 2)) s.statusMessage = r.string();
    else if (tag === ((3 << 3) | 0)) s.statusCode = r.int32();
    else r.skip(tag & 7);
  }
}

const MAX_NESTING = 8;

/** One KeyValue into `into` (a pair without a key has the key '', as protobuf's default). */
function keyValue(r: WireReader, into: Record<string, AttrValue>, depth: number): void {
  let key = '';
  let value: AttrValue = null;
  while (!r.done) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) key = r.string();
    else if (tag === ((2 << 3) | 2)) value = anyValue(r.message(), depth);
    else r.skip(tag & 7);
  }
  setOwn(into, key, value);
}

/**
 * AnyValue → plain JS as the object walk maps it; of several oneof members on
 * the wire, the last counts. An AnyValue with no member set reads as '' (what
 * protobufjs's message defaults gave the collector before this decoder).
 */
function anyValue(r: WireReader, depth: number): AttrValue {
  let value: AttrValue = '';
  while (!r.done) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | 2:
        value = r.string();
        break;
      case (2 << 3) | 0:
        value = r.uint32() !== 0;
        break;
      case (3 << 3) | 0:
        value = r.int64();
        break;
      case (4 << 3) | 1:
        value = r.double();
        break;
      case (5 << 3) | 2: {
        const m = r.message();
        value = depth >= MAX_NESTING ? '[nesting too deep]' : arrayValue(m, depth + 1);
        break;
      }
      case (6 << 3) | 2: {
        const m = r.message();
        value = depth >= MAX_NESTING ? '[nesting too deep]' : keyValues(m, depth + 1);
        break;
      }
      case (7 << 3) | 2:
        value = r.base64();
        break;
      default:
        r.skip(tag & 7);
    }
  }
  return value;
}

function arrayValue(r: WireReader, depth: number): AttrValue[] {
  const items: AttrValue[] = [];
  while (!r.done) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) items.push(anyValue(r.message(), depth));
    else r.skip(tag & 7);
  }
  return items;
}

/** The KeyValue pairs in field 1 of a message (KeyValueList, Resource) as one object. */
function keyValues(r: WireReader, depth: number): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  while (!r.done) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) keyValue(r.message(), out, depth);
    else r.skip(tag & 7);
  }
  return out;
}
