import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatMessage, MessagePart } from '../../src/content.js';
import { messagesJson } from '../../src/message-json.js';

/** Any text, including quotes, control characters, lone surrogates and emoji. */
const text = fc.string({ unit: 'binary', maxLength: 40 });
const optional = (arb: fc.Arbitrary<string>) => fc.option(arb, { nil: undefined });

// Fields in the serializer's order, so JSON.stringify of the same object is the reference.
const part: fc.Arbitrary<MessagePart> = fc
  .record({ type: text, content: optional(text), id: optional(text), name: optional(text), arguments: optional(text), response: optional(text) })
  .map((p) => JSON.parse(JSON.stringify(p)) as MessagePart);
const message: fc.Arbitrary<ChatMessage> = fc
  .record({ role: text, parts: fc.array(part, { maxLength: 4 }), finish_reason: optional(text) })
  .map((m) => JSON.parse(JSON.stringify(m)) as ChatMessage);

describe('messagesJson', () => {
  it('writes exactly what JSON.stringify writes for chat messages', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 5 }), (messages) => {
        expect(messagesJson(messages)).toBe(JSON.stringify(messages));
      }),
      { numRuns: 500 },
    );
  });

  it('leaves out undefined fields, as JSON.stringify does', () => {
    const messages: ChatMessage[] = [{ role: 'assistant', parts: [{ type: 'tool_call', id: undefined, name: 'f', arguments: '{}' }], finish_reason: undefined }];
    expect(JSON.parse(messagesJson(messages))).toEqual([{ role: 'assistant', parts: [{ type: 'tool_call', name: 'f', arguments: '{}' }] }]);
  });
});
