/**
 * The decoded OTLP data both encodings (protobuf, JSON) map onto. Values are
 * taken as sent: ids and timestamps are validated per span during
 * normalization, so one bad span is rejected without failing its request.
 */

export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };
export type Attributes = Record<string, AttrValue>;

/**
 * out[key] = value as an own property for every key a sender may use: a
 * plain assignment to "__proto__" changes the object's prototype instead,
 * and the attribute would be lost.
 */
export function setOwn<T>(out: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

export interface OtlpEvent {
  timeNs: string;
  name: string;
  attributes: Attributes;
}

export interface OtlpLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startNs: string;
  endNs: string;
  attributes: Attributes;
  events: OtlpEvent[];
  links: OtlpLink[];
  statusCode: number;
  statusMessage: string;
}

export interface OtlpScope {
  name: string;
  version: string;
}

/** One span with the resource and scope it was sent under. */
export interface OtlpSpanEnvelope {
  resource: Attributes;
  scope: OtlpScope;
  span: OtlpSpan;
}

export interface OtlpLogRecord {
  timeNs: string;
  observedNs: string;
  eventName: string;
  traceId: string;
  spanId: string;
  attributes: Attributes;
  body: AttrValue;
}

export interface OtlpLogEnvelope {
  resource: Attributes;
  scope: OtlpScope;
  record: OtlpLogRecord;
}

/** A span or log record the decoder could not even read; rejected individually. */
export interface Malformed {
  malformed: string;
}
