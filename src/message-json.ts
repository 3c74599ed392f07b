import type { ChatMessage, MessagePart } from './content.js';

/**
 * The JSON of chat messages, as JSON.stringify writes it (fields in a fixed
 * order, undefined ones left out), for their known shape only. Content is
 * captured on every LLM call; this skips the generic serializer's per-object
 * work (toJSON lookups, property enumeration) and costs a fraction of it.
 */
export function messagesJson(messages: readonly ChatMessage[]): string {
  let json = '[';
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as ChatMessage;
    if (i > 0) json += ',';
    json += `{"role":${quote(m.role)},"parts":[`;
    for (let j = 0; j < m.parts.length; j++) {
      if (j > 0) json += ',';
      json += partJson(m.parts[j] as MessagePart);
    }
    json += ']';
    if (m.finish_reason !== undefined) json += `,"finish_reason":${quote(m.finish_reason)}`;
    json += '}';
  }
  return json + ']';
}

function partJson(p: MessagePart): string {
  let json = `{"type":${quote(p.type)}`;
  if (p.content !== undefined) json += `,"content":${quote(p.content)}`;
  if (p.id !== undefined) json += `,"id":${quote(p.id)}`;
  if (p.name !== undefined) json += `,"name":${quote(p.name)}`;
  if (p.arguments !== undefined) json += `,"arguments":${quote(p.arguments)}`;
  if (p.response !== undefined) json += `,"response":${quote(p.response)}`;
  return json + '}';
}

/** A JSON string literal; JSON.stringify of a string takes V8's fast path. */
const quote = (s: string): string => JSON.stringify(s);
