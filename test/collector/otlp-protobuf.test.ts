import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../collector/errors.js';
import { decodeTraces, tracesFromMessage } from '../../collector/otlp/decode.js';
import { ExportTraceServiceRequest } from '../../collector/otlp/proto.js';

/**
 * The protobuf trace decoder reads the wire format itself; the reference is
 * protobufjs's decode of the same bytes walked as OTLP JSON is walked.
 */
const reference = (body: Uint8Array) => tracesFromMessage(ExportTraceServiceRequest.decode(body));
const encode = (message: object) => ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(message)).finish();

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map((b) => Buffer.from(b));
const scalar = fc.oneof(
  fc.string({ maxLength: 20 }).map((s) => ({ stringValue: s })),
  fc.constant({ stringValue: '' }),
  fc.boolean().map((b) => ({ boolValue: b })),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => ({ intValue: n.toString() })),
  fc.integer().map((n) => ({ intValue: n })),
  fc.double().map((d) => ({ doubleValue: d })),
  bytes(0, 8).map((b) => ({ bytesValue: b })),
  fc.constant({}),
);
const anyValue: fc.Arbitrary<object> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 3 }).map((values) => ({ arrayValue: { values } })),
    fc.array(fc.record({ key: fc.string({ maxLength: 6 }), value: tie('value') }), { maxLength: 3 }).map((values) => ({ kvlistValue: { values } })),
  ),
})).value;
const keyValues = fc.array(
  fc.oneof(fc.record({ key: fc.string({ maxLength: 12 }), value: anyValue }), fc.record({ key: fc.string({ maxLength: 4 }) }), fc.record({ value: anyValue })),
  { maxLength: 6 },
);
const time = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String);
const span = fc.record(
  {
    traceId: bytes(0, 17),
    spanId: bytes(0, 9),
    parentSpanId: bytes(0, 8),
    traceState: fc.string({ maxLength: 5 }),
    name: fc.string({ maxLength: 20 }),
    kind: fc.integer({ min: -3, max: 9 }),
    startTimeUnixNano: time,
    endTimeUnixNano: time,
    attributes: keyValues,
    droppedAttributesCount: fc.nat(),
    events: fc.array(fc.record({ timeUnixNano: time, name: fc.string({ maxLength: 8 }), attributes: keyValues }, { requiredKeys: [] }), { maxLength: 2 }),
    links: fc.array(fc.record({ traceId: bytes(16, 16), spanId: bytes(8, 8), traceState: fc.string({ maxLength: 4 }), attributes: keyValues, flags: fc.nat() }, { requiredKeys: [] }), { maxLength: 2 }),
    status: fc.record({ code: fc.integer({ min: -1, max: 3 }), message: fc.string({ maxLength: 10 }) }, { requiredKeys: [] }),
    flags: fc.nat(),
  },
  { requiredKeys: [] },
);
const request = fc.record({
  resourceSpans: fc.array(
    fc.record(
      {
        resource: fc.record({ attributes: keyValues, droppedAttributesCount: fc.nat() }, { requiredKeys: [] }),
        scopeSpans: fc.array(
          fc.record(
            {
              scope: fc.record({ name: fc.string({ maxLength: 8 }), version: fc.string({ maxLength: 4 }), attributes: keyValues }, { requiredKeys: [] }),
              spans: fc.array(span, { maxLength: 3 }),
              schemaUrl: fc.string({ maxLength: 6 }),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 2 },
        ),
        schemaUrl: fc.string({ maxLength: 6 }),
      },
      { requiredKeys: [] },
    ),
    { maxLength: 3 },
  ),
});

describe('OTLP/protobuf trace decoding', () => {
  it('gives the same spans as protobufjs for any request the official schema can encode', () => {
    fc.assert(
      fc.property(request, (message) => {
        const body = encode(message);
        expect(decodeTraces(body, 'protobuf')).toEqual(reference(body));
      }),
      { numRuns: 400 },
    );
  });

  it('skips fields it does not know (a newer schema\'s), as protobufjs does', () => {
    fc.assert(
      fc.property(request, fc.array(fc.tuple(fc.integer({ min: 17, max: 500 }), bytes(0, 6)), { maxLength: 3 }), (message, unknown) => {
        // Unknown length-delimited fields appended to the top-level message.
        const extra = Buffer.concat(unknown.map(([field, b]) => Buffer.concat([varint((field << 3) | 2), varint(b.length), b])));
        const body = Buffer.concat([Buffer.from(encode(message)), extra]);
        expect(decodeTraces(body, 'protobuf')).toEqual(reference(body));
      }),
      { numRuns: 200 },
    );
  });

  it('answers a truncated or corrupted body with an invalid-body error, or the spans protobufjs reads from it too', () => {
    fc.assert(
      fc.property(request, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), (message, cutAt, flipAt, flipTo) => {
        const full = Buffer.from(encode(message));
        if (full.length === 0) return;
        const body = Buffer.from(full.subarray(0, cutAt % full.length));
        if (body.length > 0) body[flipAt % body.length] = flipTo;
        let ours: unknown;
        try {
          ours = decodeTraces(body, 'protobuf');
        } catch (err) {
          expect(err).toBeInstanceOf(DomainError);
          expect((err as DomainError).code).toBe('undecodable_body');
          return;
        }
        let theirs: unknown;
        try {
          theirs = reference(body);
        } catch {
          // protobufjs rejects some bodies this decoder reads (a known field sent with another wire type is skipped here).
          return;
        }
        expect(ours).toEqual(theirs);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps 64-bit values exact: timestamps past 2^53 as decimal strings, int64 attributes as numbers or strings', () => {
    const body = encode({
      resourceSpans: [{ scopeSpans: [{ spans: [{ startTimeUnixNano: '18446744073709551615', endTimeUnixNano: '9007199254740993', attributes: [
        { key: 'max', value: { intValue: '9223372036854775807' } },
        { key: 'min', value: { intValue: '-9223372036854775808' } },
        { key: 'safe', value: { intValue: '-9007199254740991' } },
      ] }] }] }],
    });
    const [e] = decodeTraces(body, 'protobuf');
    expect(e).toMatchObject({ span: { startNs: '18446744073709551615', endNs: '9007199254740993', attributes: { max: '9223372036854775807', min: '-9223372036854775808', safe: -9007199254740991 } } });
  });
});

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n >>> 0;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return Buffer.from(out);
}
