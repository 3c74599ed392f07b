/**
 * A protobuf wire-format reader over one request body: varints, fixed
 * 32/64-bit values, length-delimited fields, unknown fields skipped. Every
 * read is bounds-checked; a body that ends early or is not protobuf throws
 * WireError.
 */
export class WireError extends Error {}

const TWO_32 = 4294967296;

export class WireReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    /** Where this message ends (exclusive). */
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint up to 32 bits (tags, lengths, enums and small counts); higher bits are read and dropped. */
  uint32(): number {
    let value = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError('varint runs past the end of the message');
      const b = this.buf[this.pos++]!;
      if (shift < 32) value |= (b & 0x7f) << shift;
      shift += 7;
      if (b < 0x80) return value >>> 0;
    }
    throw new WireError('varint longer than 10 bytes');
  }

  /** A varint as signed 64 bits: a number when exact, else its decimal string. */
  int64(): number | string {
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError('varint runs past the end of the message');
      const b = this.buf[this.pos++]!;
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      shift += 7;
      if (b < 0x80) return signed64(lo >>> 0, hi >>> 0);
    }
    throw new WireError('varint longer than 10 bytes');
  }

  /** An enum or int32 field: negative values arrive as 10-byte varints. */
  int32(): number {
    return this.uint32() | 0;
  }

  /** fixed64 as an unsigned decimal string (nanosecond timestamps pass 2^53). */
  fixed64String(): string {
    this.need(8);
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
    if (hi < 0x200000) return String(hi * TWO_32 + lo);
    return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
  }

  double(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A length-delimited field's bounds, advancing past it. */
  span(): [number, number] {
    const length = this.uint32();
    const start = this.pos;
    if (length > this.end - start) throw new WireError('length-delimited field runs past the end of the message');
    this.pos = start + length;
    return [start, this.pos];
  }

  string(): string {
    const [start, end] = this.span();
    return this.buf.toString('utf8', start, end);
  }

  hex(): string {
    const [start, end] = this.span();
    return this.buf.toString('hex', start, end);
  }

  base64(): string {
    const [start, end] = this.span();
    return this.buf.toString('base64', start, end);
  }

  /** A reader over an embedded message. */
  message(): WireReader {
    const [start, end] = this.span();
    return new WireReader(this.buf, start, end);
  }

  /** Skips a field of the given wire type (unknown fields, or a known field sent with another type). */
  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.uint32();
        return;
      case 1:
        this.need(8);
        this.pos += 8;
        return;
      case 2:
        this.span();
        return;
      case 3:
        for (;;) {
          const tag = this.uint32();
          if ((tag & 7) === 4) return;
          this.skip(tag & 7);
        }
      case 5:
        this.need(4);
        this.pos += 4;
        return;
      default:
        throw new WireError(`invalid wire type ${wireType} at offset ${this.pos}`);
    }
  }

  private need(bytes: number): void {
    if (this.end - this.pos < bytes) throw new WireError('fixed-width field runs past the end of the message');
  }
}

function signed64(lo: number, hi: number): number | string {
  if (hi >= 0x80000000) {
    // Negative: exact as a number while it is at least -2^53.
    const n = (hi - TWO_32) * TWO_32 + lo;
    return Number.isSafeInteger(n) ? n : BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
  }
  const n = hi * TWO_32 + lo;
  return Number.isSafeInteger(n) ? n : ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}
