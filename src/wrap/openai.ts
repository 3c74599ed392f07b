import { type ChatMessage, type MessagePart, partsOf, textPart } from '../content.js';
import type { TokenUsage } from '@evaltrace/semantic-conventions';
import type { CallError, Operation, Outcome, StreamAccumulator } from './operation.js';
import type { SseEvent } from './sse.js';
import { type Obj, arr, modelOf, num, obj, providerError, str, textOf } from './wire.js';

// ---- chat.completions -------------------------------------------------------

function chatInput(params: Obj): ChatMessage[] {
  return arr(params.messages).map((raw) => {
    const m = obj(raw);
    const role = str(m.role) ?? 'user';
    if (role === 'tool') {
      return { role, parts: [{ type: 'tool_call_response', id: str(m.tool_call_id), response: textOf(m.content) }] };
    }
    return { role, parts: withToolCalls(partsOf(m.content), m.tool_calls) };
  });
}

/** Appends a message's tool calls to its (fresh) list of parts. */
function withToolCalls(parts: MessagePart[], calls: unknown): MessagePart[] {
  for (const raw of arr(calls)) {
    const c = obj(raw);
    const fn = obj(c.function);
    parts.push({ type: 'tool_call', id: str(c.id), name: str(fn.name) ?? '', arguments: str(fn.arguments) });
  }
  return parts;
}

function chatUsage(u: unknown): TokenUsage | undefined {
  const usage = obj(u);
  const input = num(usage.prompt_tokens);
  const output = num(usage.completion_tokens);
  if (input === undefined && output === undefined) return undefined;
  return {
    inputTokens: input ?? 0,
    outputTokens: output ?? 0,
    cacheReadTokens: num(obj(usage.prompt_tokens_details).cached_tokens),
  };
}

function chatFromBody(body: unknown): Outcome {
  const b = obj(body);
  const finishReasons: string[] = [];
  const output: ChatMessage[] = [];
  for (const raw of arr(b.choices)) {
    const c = obj(raw);
    const m = obj(c.message);
    const finish = str(c.finish_reason);
    if (finish !== undefined) finishReasons.push(finish);
    const parts = withToolCalls(partsOf(m.content), m.tool_calls);
    const refusal = str(m.refusal);
    if (refusal) parts.push({ type: 'refusal', content: refusal });
    output.push({ role: str(m.role) ?? 'assistant', parts, finish_reason: finish });
  }
  return { responseId: str(b.id), responseModel: str(b.model), finishReasons, usage: chatUsage(b.usage), output };
}

interface ChoiceState {
  text: string;
  refusal: string;
  tools: Map<number, { id?: string; name: string; arguments: string }>;
  finish?: string;
}

/** Chat completion chunks: deltas per choice, usage in the final chunk (stream_options.include_usage). */
function chatAccumulator(): StreamAccumulator {
  let id: string | undefined;
  let model: string | undefined;
  let usage: TokenUsage | undefined;
  let error: CallError | undefined;
  const choices = new Map<number, ChoiceState>();
  return {
    onEvent(e: SseEvent) {
      if (e.data.startsWith('[DONE]')) return;
      const chunk = obj(JSON.parse(e.data));
      if (chunk.error) {
        error = providerError(chunk.error);
        return;
      }
      id ??= str(chunk.id);
      model ??= str(chunk.model);
      usage = chatUsage(chunk.usage) ?? usage;
      for (const raw of arr(chunk.choices)) {
        const c = obj(raw);
        const index = num(c.index) ?? 0;
        const state: ChoiceState = choices.get(index) ?? { text: '', refusal: '', tools: new Map() };
        choices.set(index, state);
        const delta = obj(c.delta);
        state.text += str(delta.content) ?? '';
        state.refusal += str(delta.refusal) ?? '';
        for (const rawTool of arr(delta.tool_calls)) {
          const t = obj(rawTool);
          const at = num(t.index) ?? 0;
          const tool = state.tools.get(at) ?? { name: '', arguments: '' };
          state.tools.set(at, tool);
          tool.id ??= str(t.id);
          tool.name += str(obj(t.function).name) ?? '';
          tool.arguments += str(obj(t.function).arguments) ?? '';
        }
        state.finish = str(c.finish_reason) ?? state.finish;
      }
    },
    outcome() {
      const ordered = [...choices.entries()].sort(([a], [b]) => a - b).map(([, s]) => s);
      return {
        responseId: id,
        responseModel: model,
        usage,
        finishReasons: ordered.map((s) => s.finish).filter((r): r is string => r !== undefined),
        output: ordered.map((s) => {
          const parts: MessagePart[] = s.text ? [textPart(s.text)] : [];
          for (const t of s.tools.values()) parts.push({ type: 'tool_call', ...t });
          if (s.refusal) parts.push({ type: 'refusal', content: s.refusal });
          return { role: 'assistant', parts, finish_reason: s.finish };
        }),
      };
    },
    error: () => error,
  };
}

export const openaiChat: Operation = {
  provider: 'openai',
  operation: 'chat',
  model: modelOf,
  input: chatInput,
  fromBody: chatFromBody,
  accumulator: chatAccumulator,
};

// ---- responses --------------------------------------------------------------

function responsesInput(params: Obj): ChatMessage[] {
  const out: ChatMessage[] = [];
  const instructions = str(params.instructions);
  if (instructions) out.push({ role: 'system', parts: [textPart(instructions)] });
  const input = params.input;
  if (typeof input === 'string') out.push({ role: 'user', parts: [textPart(input)] });
  for (const raw of arr(input)) {
    const item = obj(raw);
    if (item.type === 'function_call') {
      out.push({ role: 'assistant', parts: [{ type: 'tool_call', id: str(item.call_id), name: str(item.name) ?? '', arguments: str(item.arguments) }] });
    } else if (item.type === 'function_call_output') {
      out.push({ role: 'tool', parts: [{ type: 'tool_call_response', id: str(item.call_id), response: textOf(item.output) }] });
    } else if (item.role !== undefined) {
      out.push({ role: str(item.role) ?? 'user', parts: partsOf(item.content) });
    }
  }
  return out;
}

function responsesFromBody(body: unknown): Outcome {
  const r = obj(body);
  const usage = obj(r.usage);
  const input = num(usage.input_tokens);
  const output = num(usage.output_tokens);
  const finish = str(obj(r.incomplete_details).reason) ?? str(r.status);
  const parts: MessagePart[] = [];
  for (const raw of arr(r.output)) {
    const item = obj(raw);
    if (item.type === 'message') {
      for (const c of arr(item.content).map(obj)) {
        if (c.type === 'output_text') parts.push(textPart(str(c.text) ?? ''));
        else if (c.type === 'refusal') parts.push({ type: 'refusal', content: str(c.refusal) ?? '' });
      }
    } else if (item.type === 'function_call') {
      parts.push({ type: 'tool_call', id: str(item.call_id), name: str(item.name) ?? '', arguments: str(item.arguments) });
    } else if (item.type === 'reasoning') {
      const summary = arr(item.summary).map((s) => str(obj(s).text) ?? '').join('\n');
      if (summary) parts.push({ type: 'reasoning', content: summary });
    }
  }
  return {
    responseId: str(r.id),
    responseModel: str(r.model),
    finishReasons: finish ? [finish] : [],
    usage:
      input === undefined && output === undefined
        ? undefined
        : { inputTokens: input ?? 0, outputTokens: output ?? 0, cacheReadTokens: num(obj(usage.input_tokens_details).cached_tokens) },
    output: parts.length > 0 ? [{ role: 'assistant', parts, finish_reason: finish }] : [],
  };
}

/** Response stream events: the terminal event carries the whole response, usage included. */
function responsesAccumulator(): StreamAccumulator {
  let outcome: Outcome = {};
  let error: CallError | undefined;
  return {
    onEvent(e: SseEvent) {
      const data = obj(JSON.parse(e.data));
      const type = str(data.type) ?? e.event;
      if (type === 'error') {
        error = providerError(data.error ?? data);
      } else if (data.response !== undefined) {
        outcome = responsesFromBody(data.response);
        if (type === 'response.failed') error = providerError(obj(data.response).error ?? { code: 'response_failed' });
      }
    },
    outcome: () => outcome,
    error: () => error,
  };
}

export const openaiResponses: Operation = {
  provider: 'openai',
  operation: 'chat',
  model: modelOf,
  input: responsesInput,
  fromBody: responsesFromBody,
  accumulator: responsesAccumulator,
};

// ---- embeddings -------------------------------------------------------------

export const openaiEmbeddings: Operation = {
  provider: 'openai',
  operation: 'embeddings',
  model: modelOf,
  // Embedding inputs are not messages, and their vectors are not output worth keeping.
  input: () => undefined,
  fromBody(body) {
    const b = obj(body);
    const input = num(obj(b.usage).prompt_tokens);
    return { responseModel: str(b.model), usage: input === undefined ? undefined : { inputTokens: input, outputTokens: 0 } };
  },
};
