import { diag } from '@opentelemetry/api';
import { TRUNCATION_MARK } from '@evaltrace/semantic-conventions';
import { settings } from './config.js';
import { messagesJson } from './message-json.js';

/**
 * Message content as the GenAI semantic conventions put it in
 * `gen_ai.input.messages` / `gen_ai.output.messages`: a role and typed parts.
 */
export interface MessagePart {
  type: string;
  content?: string;
  id?: string;
  name?: string;
  arguments?: string;
  response?: string;
}

export interface ChatMessage {
  role: string;
  parts: MessagePart[];
  finish_reason?: string;
}

/** Stays under the collector's default 64 KiB attribute limit, so stored JSON stays parseable. */
export const MAX_CONTENT_CHARS = 60_000;
const TEXT_FIELDS = ['content', 'arguments', 'response'] as const;

/** Whether prompts and outputs are recorded, so callers can skip building messages when not. */
export function capturesContent(): boolean {
  return settings().captureContent;
}

/** The JSON of `messages` for a content attribute, redacted and size-bounded; undefined when capture is off. */
export function captureMessages(messages: ChatMessage[] | undefined): string | undefined {
  const { captureContent, redact } = settings();
  if (!captureContent || !messages || messages.length === 0) return undefined;
  return guarded(() => fitJson(redact ? messages.map((m) => redactMessage(m, redact)) : messages));
}

/** A task input/output: strings as they are, anything else as JSON; redacted, size-bounded. */
export function captureValue(value: unknown): string | undefined {
  const { captureContent, redact } = settings();
  if (!captureContent || value === undefined) return undefined;
  return guarded(() => {
    const json = typeof value === 'string' ? value : JSON.stringify(value);
    const text = redact ? redact(json) : json;
    return text.length > MAX_CONTENT_CHARS ? text.slice(0, MAX_CONTENT_CHARS) + TRUNCATION_MARK : text;
  });
}

export function textPart(content: string): MessagePart {
  return { type: 'text', content };
}

/** Provider content (a string or a list of blocks) as parts; media are recorded by type only. */
export function partsOf(content: unknown): MessagePart[] {
  if (typeof content === 'string') return [textPart(content)];
  if (!Array.isArray(content)) return [];
  return content.map((block: unknown): MessagePart => {
    const b = (block ?? {}) as Record<string, unknown>;
    const text = typeof b.text === 'string' ? b.text : undefined;
    if (text !== undefined) return textPart(text);
    return { type: typeof b.type === 'string' ? b.type : 'unknown' };
  });
}

function redactMessage(m: ChatMessage, redact: (text: string) => string): ChatMessage {
  return {
    ...m,
    parts: m.parts.map((p) => {
      const out = { ...p };
      for (const f of TEXT_FIELDS) if (typeof out[f] === 'string') out[f] = redact(out[f]);
      return out;
    }),
  };
}

/** JSON no longer than MAX_CONTENT_CHARS where possible, trimming the longest texts first (binary search on a per-text cap). */
function fitJson(messages: ChatMessage[]): string {
  const full = messagesJson(messages);
  if (full.length <= MAX_CONTENT_CHARS) return full;
  const longest = Math.max(...messages.flatMap((m) => m.parts.flatMap((p) => TEXT_FIELDS.map((f) => p[f]?.length ?? 0))));
  let lo = 0;
  let hi = longest;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (messagesJson(capTexts(messages, mid)).length <= MAX_CONTENT_CHARS) lo = mid;
    else hi = mid - 1;
  }
  return messagesJson(capTexts(messages, lo));
}

function capTexts(messages: ChatMessage[], cap: number): ChatMessage[] {
  return messages.map((m) => ({
    ...m,
    parts: m.parts.map((p) => {
      const out = { ...p };
      for (const f of TEXT_FIELDS) {
        const v = out[f];
        if (v !== undefined && v.length > cap) out[f] = v.slice(0, cap) + TRUNCATION_MARK;
      }
      return out;
    }),
  }));
}

/** A redactor or serializer that throws must cost the span its content, never the app its call. */
function guarded(fn: () => string): string | undefined {
  try {
    return fn();
  } catch (err) {
    diag.warn('evaltrace: content not captured', err);
    return undefined;
  }
}
