import { randomBytes } from 'node:crypto';

/** Builders for hand-written OTLP/JSON requests (hex ids, int64 as strings, enum ints). */
export const hex = (bytes: number) => randomBytes(bytes).toString('hex');
export const newTraceId = () => hex(16);
export const newSpanId = () => hex(8);

type Value = string | number | boolean;

export function kv(attrs: Record<string, Value>) {
  return Object.entries(attrs).map(([key, v]) => ({
    key,
    value:
      typeof v === 'string'
        ? { stringValue: v }
        : typeof v === 'boolean'
          ? { boolValue: v }
          : Number.isInteger(v)
            ? { intValue: String(v) }
            : { doubleValue: v },
  }));
}

export interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: ReturnType<typeof kv>;
  links?: Array<{ traceId: string; spanId: string }>;
  status?: { code: number; message?: string };
}

export const ms = (t: number) => `${BigInt(t) * 1_000_000n}`;

export function span(p: Partial<JsonSpan> & { attrs?: Record<string, Value>; startMs?: number; durMs?: number }): JsonSpan {
  const start = p.startMs ?? Date.UTC(2026, 9, 1);
  return {
    traceId: p.traceId ?? newTraceId(),
    spanId: p.spanId ?? newSpanId(),
    parentSpanId: p.parentSpanId,
    name: p.name ?? 'span',
    kind: p.kind ?? 1,
    startTimeUnixNano: p.startTimeUnixNano ?? ms(start),
    endTimeUnixNano: p.endTimeUnixNano ?? ms(start + (p.durMs ?? 10)),
    attributes: p.attributes ?? kv(p.attrs ?? {}),
    links: p.links,
    status: p.status,
  };
}

export function request(spans: unknown[], resource: Record<string, Value> = { 'service.name': 'hand-written' }) {
  return { resourceSpans: [{ resource: { attributes: kv(resource) }, scopeSpans: [{ scope: { name: 'test' }, spans }] }] };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, body: json };
}
