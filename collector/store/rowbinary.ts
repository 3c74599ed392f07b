import { StoreError } from './errors.js';

/**
 * ClickHouse's RowBinary format, written from JS rows. An insert into the
 * spans table with its views costs ClickHouse ~13-15 µs less CPU per span in
 * it than in JSON (docs/benchmarks.md), so the embedded store's ingest tables
 * are inserted in it. Values are taken as the JSON path takes them: a timestamp
 * column's value is a decimal string of its ticks (nanoseconds for
 * DateTime64(9)), a null or a non-finite number is NULL in a Nullable column
 * and the type's default elsewhere.
 */
type Encode = (w: RowBinaryWriter, v: unknown) => void;

/** A growing byte buffer with RowBinary's primitive encodings. */
class RowBinaryWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  varUInt(n: number): void {
    this.ensure(10);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }

  string(s: string): void {
    const len = s.length;
    // Up to 42 UTF-16 units are at most 126 UTF-8 bytes: a one-byte length, written after the text.
    if (len <= 42) {
      this.ensure(127);
      const buf = this.buf;
      const start = this.pos + 1;
      // Most short values (ids, names, keys) are ASCII: copied here, without a call into Buffer's UTF-8 writer.
      let i = 0;
      while (i < len) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i++] = c;
      }
      const n = i === len ? len : buf.write(s, start, 'utf8');
      buf[this.pos] = n;
      this.pos = start + n;
      return;
    }
    const n = Buffer.byteLength(s, 'utf8');
    this.varUInt(n);
    this.ensure(n);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  fixed(s: string, size: number): void {
    this.ensure(size);
    const n = this.buf.write(s, this.pos, size, 'utf8');
    if (n < Buffer.byteLength(s, 'utf8')) throw new StoreError(`value ${JSON.stringify(s.slice(0, 40))} is longer than FixedString(${size})`);
    this.buf.fill(0, this.pos + n, this.pos + size);
    this.pos += size;
  }

  uint(v: number, size: 1 | 2 | 4): void {
    this.ensure(size);
    this.buf.writeUIntLE(v, this.pos, size);
    this.pos += size;
  }

  u64(v: number | bigint): void {
    this.ensure(8);
    if (typeof v === 'bigint') this.buf.writeBigUInt64LE(v, this.pos);
    else {
      this.buf.writeUInt32LE(v % 0x1_0000_0000, this.pos);
      this.buf.writeUInt32LE(Math.floor(v / 0x1_0000_0000), this.pos + 4);
    }
    this.pos += 8;
  }

  i64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(v, this.pos);
    this.pos += 8;
  }

  f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }
}

const isNull = (v: unknown) => v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v));

/** An integer given as a number, a bigint or a decimal string (exact past 2^53). */
function integer(v: unknown): number | bigint {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new StoreError(`value ${JSON.stringify(v)} is not an integer`);
}

function inRange(v: bigint, min: bigint, max: bigint, type: string): void {
  if (v < min || v > max) throw new StoreError(`value ${v} is out of range for ${type}`);
}

/** The arguments of `Name(a, b(c, d), 'e')`, split at top-level commas. */
function args(type: string): string[] {
  const inner = type.slice(type.indexOf('(') + 1, type.lastIndexOf(')'));
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === "'" && inner[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      out.push(inner.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(inner.slice(start).trim());
  return out;
}

function unsigned(size: 1 | 2 | 4 | 8, type: string): Encode {
  const max = (1n << BigInt(size * 8)) - 1n;
  const maxNumber = size === 8 ? Number.MAX_SAFE_INTEGER : Number(max);
  return (w, v) => {
    const n = isNull(v) ? 0 : integer(v);
    if (typeof n === 'bigint') inRange(n, 0n, max, type);
    else if (n < 0 || n > maxNumber) throw new StoreError(`value ${n} is out of range for ${type}`);
    if (size === 8) w.u64(n);
    else w.uint(Number(n), size);
  };
}

/** The encoder of one ClickHouse type; a type the ingest tables do not use is refused. */
export function encoderFor(type: string): Encode {
  const name = type.includes('(') ? type.slice(0, type.indexOf('(')) : type;
  switch (name) {
    case 'String':
      return (w, v) => w.string(isNull(v) ? '' : typeof v === 'string' ? v : String(v));
    case 'LowCardinality':
      return encoderFor(args(type)[0]!);
    case 'FixedString': {
      const size = Number(args(type)[0]);
      return (w, v) => w.fixed(isNull(v) ? '' : String(v), size);
    }
    case 'Nullable': {
      const inner = encoderFor(args(type)[0]!);
      return (w, v) => {
        if (isNull(v)) return w.u8(1);
        w.u8(0);
        inner(w, v);
      };
    }
    case 'Bool':
      return (w, v) => w.u8(v === true || v === 1 ? 1 : 0);
    case 'UInt8':
      return unsigned(1, type);
    case 'UInt16':
      return unsigned(2, type);
    case 'UInt32':
      return unsigned(4, type);
    case 'UInt64':
      return unsigned(8, type);
    case 'Float64':
      return (w, v) => w.f64(isNull(v) ? 0 : Number(v));
    case 'DateTime64':
      return (w, v) => {
        const ticks = isNull(v) ? 0n : BigInt(integer(v));
        inRange(ticks, -(1n << 63n), (1n << 63n) - 1n, type);
        w.i64(ticks);
      };
    case 'Map': {
      const [k, val] = args(type).map(encoderFor) as [Encode, Encode];
      return (w, v) => {
        if (isNull(v)) return w.varUInt(0);
        const o = v as Record<string, unknown>;
        let n = 0;
        for (const _ in o) n++;
        w.varUInt(n);
        for (const key in o) {
          k(w, key);
          val(w, o[key]);
        }
      };
    }
    case 'Array': {
      const item = encoderFor(args(type)[0]!);
      return (w, v) => {
        const items = isNull(v) ? [] : (v as unknown[]);
        w.varUInt(items.length);
        for (const x of items) item(w, x);
      };
    }
    case 'Tuple': {
      // Named elements (`name Type`) are read from an object's fields, as JSON's named tuples are.
      const fields = args(type).map((a) => {
        const space = a.indexOf(' ');
        return { name: a.slice(0, space), encode: encoderFor(a.slice(space + 1).trim()) };
      });
      return (w, v) => {
        const o = v as Record<string, unknown>;
        for (const f of fields) f.encode(w, o[f.name]);
      };
    }
    default:
      throw new StoreError(`RowBinary: type ${type} is not supported`);
  }
}

/** A table's column with its type's encoder. */
export interface EncodedColumn {
  name: string;
  type: string;
  encode: Encode;
}

/** A payload's smallest starting buffer: small inserts (a request's few evaluations) need no more. */
const MIN_CAPACITY = 1 << 16;

/**
 * Rows as RowBinary, values in `columns`' order. `sizeHint`: the bytes the
 * caller expects (e.g. from the table's last payload), so that a payload of
 * megabytes starts near its size instead of doubling its way there.
 */
export function rowBinary(rows: readonly object[], columns: ReadonlyArray<Pick<EncodedColumn, 'name' | 'encode'>>, sizeHint = 0): Buffer {
  const w = new RowBinaryWriter(Math.max(MIN_CAPACITY, Math.ceil(sizeHint * 1.25)));
  for (const row of rows) {
    const r = row as Record<string, unknown>;
    for (const c of columns) c.encode(w, r[c.name]);
  }
  return w.bytes();
}
