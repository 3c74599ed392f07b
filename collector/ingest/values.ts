import { type AttrValue, type Attributes, setOwn } from '../otlp/model.js';

/** Thrown for one span or record whose content breaks the contract; it is rejected alone. */
export class InvalidItem extends Error {
  override name = 'InvalidItem';
}

export function first(attrs: Attributes, names: readonly string[]): AttrValue | undefined {
  for (const n of names) {
    const v = attrs[n];
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

export function text(attrs: Attributes, names: readonly string[]): string {
  const v = first(attrs, names);
  if (v === undefined) return '';
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** A finite, non-negative number (int or double alike: exporters send 1.0 as an int); strings of digits accepted. */
export function amount(attrs: Attributes, names: readonly string[], what: string): number | undefined {
  const v = first(attrs, names);
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) throw new InvalidItem(`${what} must be a finite number, got ${JSON.stringify(String(v))}`);
  if (n < 0) throw new InvalidItem(`${what} must not be negative, got ${n}`);
  return n;
}

export function count(attrs: Attributes, names: readonly string[], what: string): number {
  const n = amount(attrs, names, what);
  if (n === undefined) return 0;
  if (!Number.isInteger(n)) throw new InvalidItem(`${what} must be an integer, got ${n}`);
  return n;
}

/** A finite number that may be negative (evaluation scores). */
export function finite(attrs: Attributes, names: readonly string[], what: string): number | null {
  const v = first(attrs, names);
  if (v === undefined) return null;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) throw new InvalidItem(`${what} must be a finite number, got ${JSON.stringify(String(v))}`);
  return n;
}

export function bool(attrs: Attributes, names: readonly string[], what: string): boolean | null {
  const v = first(attrs, names);
  if (v === undefined) return null;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 1) return true;
  if (v === 'false' || v === 0) return false;
  throw new InvalidItem(`${what} must be a boolean, got ${JSON.stringify(v)}`);
}

const HEX_TRACE = /^[0-9a-f]{32}$/;
const HEX_SPAN = /^[0-9a-f]{16}$/;

export function traceId(v: string, what = 'trace id'): string {
  if (!HEX_TRACE.test(v) || /^0+$/.test(v)) throw new InvalidItem(`${what} must be 32 hex digits, not all zero`);
  return v;
}

export function spanId(v: string, what = 'span id'): string {
  if (!HEX_SPAN.test(v) || /^0+$/.test(v)) throw new InvalidItem(`${what} must be 16 hex digits, not all zero`);
  return v;
}

const MIN_NS = 946_684_800_000_000_000n; // 2000-01-01
const YEAR_NS = 365n * 86_400n * 1_000_000_000n;

/** Unix nanoseconds, from 2000-01-01 to a year ahead of now: outside that the clock is wrong. */
export function timestamp(v: string, what: string): bigint {
  if (!/^\d{1,20}$/.test(v)) throw new InvalidItem(`${what} must be unix nanoseconds, got ${JSON.stringify(v.slice(0, 40))}`);
  const ns = BigInt(v);
  const max = BigInt(Date.now()) * 1_000_000n + YEAR_NS;
  if (ns < MIN_NS || ns > max) throw new InvalidItem(`${what} ${v} is outside 2000-01-01 .. one year from now`);
  return ns;
}

/** Flattens attributes to Map(String, String): non-strings as JSON, long values cut with a visible marker. */
export function flatten(
  attrs: Attributes,
  maxEntries: number,
  maxLength: number,
  onTruncate: () => void,
): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  // for…in rather than Object.entries: no array of pairs per span (decoded attributes are plain objects, own keys only).
  for (const k in attrs) {
    if (n++ >= maxEntries) {
      onTruncate();
      break;
    }
    const v = attrs[k] as AttrValue;
    setOwn(out, k, truncate(typeof v === 'string' ? v : JSON.stringify(v), maxLength, onTruncate));
  }
  return out;
}

export function truncate(s: string, maxLength: number, onTruncate: () => void): string {
  if (s.length <= maxLength) return s;
  onTruncate();
  return `${s.slice(0, maxLength)}…[truncated ${s.length - maxLength} chars]`;
}
