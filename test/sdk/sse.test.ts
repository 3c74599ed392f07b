import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SseEvent, sseEvents } from '../../src/wrap/sse.js';

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
}

async function parse(chunks: Uint8Array[]): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const e of sseEvents(streamOf(chunks))) out.push(e);
  return out;
}

/** Splits `bytes` at the given cut points (any byte offsets, even inside a UTF-8 character). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const p of [...points, bytes.length]) {
    parts.push(bytes.slice(at, p));
    at = p;
  }
  return parts;
}

const encode = (s: string) => new TextEncoder().encode(s);

describe('sseEvents()', () => {
  it('reads event names, joins multi-line data and skips comments', async () => {
    const body = ': keep-alive\nevent: message_start\ndata: {"a":1}\n\ndata: line1\ndata: line2\n\n';
    expect(await parse([encode(body)])).toEqual([
      { event: 'message_start', data: '{"a":1}' },
      { event: undefined, data: 'line1\nline2' },
    ]);
  });

  it('accepts CRLF and CR line endings and a final event without a blank line', async () => {
    expect(await parse([encode('data: a\r\n\r\ndata: b\r\rdata: c')])).toEqual([
      { event: undefined, data: 'a' },
      { event: undefined, data: 'b' },
      { event: undefined, data: 'c' },
    ]);
  });

  it('yields the same events however the bytes are chunked', async () => {
    const payload = fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, ' '));
    const event = fc.record({ event: fc.option(fc.constantFrom('delta', 'done'), { nil: undefined }), data: payload });
    const newline = fc.constantFrom('\n', '\r\n', '\r');
    await fc.assert(
      fc.asyncProperty(fc.array(event, { maxLength: 6 }), newline, fc.array(fc.nat(), { maxLength: 8 }), async (events, nl, cuts) => {
        const text = events.map((e) => `${e.event ? `event: ${e.event}${nl}` : ''}data: ${e.data}${nl}${nl}`).join('');
        const whole = await parse([encode(text)]);
        expect(whole).toEqual(events.map((e) => ({ event: e.event, data: e.data })));
        expect(await parse(split(encode(text), cuts))).toEqual(whole);
      }),
    );
  });
});
