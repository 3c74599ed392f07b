import { type ChatMessage, type MessagePart, partsOf, textPart } from '../content.js';
import type { TokenUsage } from '@evaltrace/semantic-conventions';
import type { CallError, Operation, Outcome, StreamAccumulator } from './operation.js';
import type { SseEvent } from './sse.js';
import { type Obj, arr, modelOf, num, obj, providerError, str, textOf } from './wire.js';

/** Anthropic content blocks as semconv parts. */
function blockParts(content: unknown): MessagePart[] {
  if (!Array.isArray(content)) return partsOf(content);
  return content.map((raw): MessagePart => {
    const b = obj(raw);
    switch (b.type) {
      case 'text':
        return textPart(str(b.text) ?? '');
      case 'thinking':
        return { type: 'reasoning', content: str(b.thinking) ?? '' };
      case 'tool_use':
      case 'server_tool_use':
        return { type: 'tool_call', id: str(b.id), name: str(b.name) ?? '', arguments: JSON.stringify(b.input ?? {}) };
      case 'tool_result':
        return { type: 'tool_call_response', id: str(b.tool_use_id), response: textOf(b.content) };
      default:
        return { type: str(b.type) ?? 'unknown' };
    }
  });
}

function messagesInput(params: Obj): ChatMessage[] {
  const out: ChatMessage[] = [];
  if (params.system !== undefined) out.push({ role: 'system', parts: blockParts(params.system) });
  for (const raw of arr(params.messages)) {
    const m = obj(raw);
    out.push({ role: str(m.role) ?? 'user', parts: blockParts(m.content) });
  }
  return out;
}

interface RawUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
}

function rawUsage(u: unknown): RawUsage {
  const usage = obj(u);
  return {
    input: num(usage.input_tokens),
    output: num(usage.output_tokens),
    cacheRead: num(usage.cache_read_input_tokens),
    cacheWrite: num(usage.cache_creation_input_tokens),
  };
}

/** Anthropic's input_tokens exclude cache reads and writes; the contract's input tokens include them. */
function tokenUsage(u: RawUsage): TokenUsage | undefined {
  if (u.input === undefined && u.output === undefined) return undefined;
  return {
    inputTokens: (u.input ?? 0) + (u.cacheRead ?? 0) + (u.cacheWrite ?? 0),
    outputTokens: u.output ?? 0,
    cacheReadTokens: u.cacheRead,
    cacheWriteTokens: u.cacheWrite,
  };
}

function messageFromBody(body: unknown): Outcome {
  const m = obj(body);
  const stop = str(m.stop_reason);
  return {
    responseId: str(m.id),
    responseModel: str(m.model),
    finishReasons: stop ? [stop] : [],
    usage: tokenUsage(rawUsage(m.usage)),
    output: [{ role: 'assistant', parts: blockParts(m.content), finish_reason: stop }],
  };
}

interface BlockState {
  block: Obj;
  text: string;
  thinking: string;
  json: string;
}

/** message_start carries id, model and input usage; message_delta the stop reason and cumulative usage. */
function messageAccumulator(): StreamAccumulator {
  let message: Obj = {};
  let usage: RawUsage = {};
  let stop: string | undefined;
  let error: CallError | undefined;
  const blocks = new Map<number, BlockState>();
  return {
    onEvent(e: SseEvent) {
      const data = obj(JSON.parse(e.data));
      const index = num(data.index) ?? 0;
      switch (data.type ?? e.event) {
        case 'message_start':
          message = obj(data.message);
          usage = rawUsage(message.usage);
          break;
        case 'content_block_start':
          blocks.set(index, { block: obj(data.content_block), text: '', thinking: '', json: '' });
          break;
        case 'content_block_delta': {
          const state = blocks.get(index);
          const delta = obj(data.delta);
          if (!state) break;
          state.text += str(delta.text) ?? '';
          state.thinking += str(delta.thinking) ?? '';
          state.json += str(delta.partial_json) ?? '';
          break;
        }
        case 'message_delta': {
          stop = str(obj(data.delta).stop_reason) ?? stop;
          const next = rawUsage(data.usage);
          usage = {
            input: next.input ?? usage.input,
            output: next.output ?? usage.output,
            cacheRead: next.cacheRead ?? usage.cacheRead,
            cacheWrite: next.cacheWrite ?? usage.cacheWrite,
          };
          break;
        }
        case 'error':
          error = providerError(data.error);
          break;
      }
    },
    outcome() {
      const content = [...blocks.entries()]
        .sort(([a], [b]) => a - b)
        .map(([, s]) => ({
          ...s.block,
          text: (str(s.block.text) ?? '') + s.text,
          thinking: (str(s.block.thinking) ?? '') + s.thinking,
          input: s.json ? safeJson(s.json) : s.block.input,
        }));
      return {
        responseId: str(message.id),
        responseModel: str(message.model),
        finishReasons: stop ? [stop] : [],
        usage: tokenUsage(usage),
        output: [{ role: 'assistant', parts: blockParts(content), finish_reason: stop }],
      };
    },
    error: () => error,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const anthropicMessages: Operation = {
  provider: 'anthropic',
  operation: 'chat',
  model: modelOf,
  input: messagesInput,
  fromBody: messageFromBody,
  accumulator: messageAccumulator,
};
