import type { ChatMessage, MessagePart } from './content.js';

/**
 * The JSON of chat messages, as JSON.stringify writes it (fields in a fixed
 * order, undefined ones left out), for their known shape only. Content is
 * captured on every LLM call; this skips the generic serializer's per-object
 * work (toJSON lookups, property enumeration), and roles, part types and
 * finish reasons, a handful of values repeated on every call, are quoted once.
 */
export function messagesJson(messages: readonly ChatMessage[]): string {
  let json = '[';
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as ChatMessage;
    if (i > 0) json += ',';
    json += `{"role":${quoteName(m.role)},"parts":[`;
    for (let j = 0; j < m.parts.length; j++) {
      if (j > 0) json += ',';
      json += partJson(m.parts[j] as MessagePart);
    }
    json += m.finish_reason === undefined ? ']}' : `],"finish_reason":${quoteName(m.finish_reason)}}`;
  }
  return `${json}]`;
}

function partJson(p: MessagePart): string {
  let json = `{"type":${quoteName(p.type)}`;
  if (p.content !== undefined) json += `,"content":${quote(p.content)}`;
  if (p.id !== undefined) json += `,"id":${quote(p.id)}`;
  if (p.name !== undefined) json += `,"name":${quote(p.name)}`;
  if (p.arguments !== undefined) json += `,"arguments":${quote(p.arguments)}`;
  if (p.response !== undefined) json += `,"response":${quote(p.response)}`;
  return `${json}}`;
}

/** A JSON string literal; JSON.stringify of a string takes V8's fast path. */
const quote = (s: string): string => JSON.stringify(s);

/**
 * Quoted roles, part types and finish reasons. Each JSON.stringify is a call
 * into the engine's runtime, which costs more than the few characters it
 * writes; these values come from a small set, so they are quoted once. The
 * memo is bounded, as a role is whatever the app wrote.
 */
const quotedNames = new Map<string, string>();
const MAX_NAMES = 256;

function quoteName(s: string): string {
  let q = quotedNames.get(s);
  if (q === undefined) {
    q = quote(s);
    if (quotedNames.size < MAX_NAMES && s.length <= 64) quotedNames.set(s, q);
  }
  return q;
}
