/** One server-sent event: its `event:` field (if any) and its joined `data:` lines. */
export interface SseEvent {
  event: string | undefined;
  data: string;
}

const LINE_BREAK = /\r\n|\r|\n/;

/** Parses a text/event-stream body (WHATWG server-sent events), as the provider SDKs read it. */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event: string | undefined;
  let data: string[] = [];

  function* takeLines(final: boolean): Generator<string> {
    for (;;) {
      const m = LINE_BREAK.exec(buffer);
      if (!m) break;
      // A lone \r at the end may be the first half of \r\n still on its way.
      if (m[0] === '\r' && m.index === buffer.length - 1 && !final) break;
      yield buffer.slice(0, m.index);
      buffer = buffer.slice(m.index + m[0].length);
    }
  }

  function* dispatch(line: string): Generator<SseEvent> {
    if (line === '') {
      if (data.length > 0) yield { event, data: data.join('\n') };
      event = undefined;
      data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }

  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      for (const line of takeLines(false)) yield* dispatch(line);
    }
    buffer += decoder.decode();
    for (const line of takeLines(true)) yield* dispatch(line);
    if (buffer !== '') yield* dispatch(buffer);
    yield* dispatch('');
  } finally {
    reader.releaseLock();
  }
}
