import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server speaking the OpenAI and Anthropic wire formats (JSON and
 * SSE), so the real SDK clients run unmodified against it. Answers are
 * deterministic: "Answer: <last user text>" with fixed token usage.
 */

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  raw: string;
}

/**
 * A canned reply for the next request: an HTTP error with its JSON, a raw SSE
 * body, or the normal JSON answer whose body follows its headers after a delay.
 */
export type Override = { status: number; json: unknown; headers?: Record<string, string> } | { sse: string } | { bodyDelayMs: number };

export interface MockLlm {
  /** baseURL for `new OpenAI(...)`. */
  openaiURL: string;
  /** baseURL for `new Anthropic(...)`. */
  anthropicURL: string;
  requests: RecordedRequest[];
  /** Replies to the next request with `o` instead of the normal answer. */
  enqueue(o: Override): void;
  close(): Promise<void>;
}

export const USAGE = {
  openai: { prompt: 20, cached: 4, completion: 7 },
  responses: { input: 30, cached: 10, output: 9 },
  embeddings: { prompt: 8 },
  anthropic: { input: 15, cacheRead: 5, cacheWrite: 3, output: 9 },
} as const;

export const snapshotOf = (model: string) => `${model}-20250101`;

export async function startMockLlm(): Promise<MockLlm> {
  const requests: RecordedRequest[] = [];
  const overrides: Override[] = [];
  const server = createServer((req, res) => {
    // No Date header: replies must not depend on the clock, or two calls that straddle a second differ.
    res.sendDate = false;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      const path = (req.url ?? '').split('?')[0] ?? '';
      requests.push({ path, headers: req.headers, body, raw });
      const override = overrides.shift();
      if (override && 'status' in override) return sendJson(res, override.json, override.status, override.headers);
      if (override && 'sse' in override) return sendSse(res, override.sse);
      route(path, body, res, override?.bodyDelayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    openaiURL: `${base}/v1`,
    anthropicURL: base,
    requests,
    enqueue: (o) => void overrides.push(o),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers one request; the return value is only the send's, so each case is one line. */
function route(path: string, body: Record<string, unknown>, res: ServerResponse, bodyDelayMs: number): unknown {
  const model = String(body.model);
  const stream = body.stream === true;
  switch (path) {
    case '/v1/chat/completions':
      return stream ? sendSse(res, chatStream(model, body)) : sendJson(res, chatCompletion(model, body), 200, {}, bodyDelayMs);
    case '/v1/responses':
      return stream ? sendSse(res, responseStream(model, body)) : sendJson(res, response(model, body));
    case '/v1/embeddings':
      return sendJson(res, embeddings(model, body));
    case '/v1/messages':
      return stream ? sendSse(res, messageStream(model, body)) : sendJson(res, message(model, body));
    default:
      return sendJson(res, { error: { type: 'not_found', message: `no route ${path}` } }, 404);
  }
}

export function answerFor(body: Record<string, unknown>): string {
  const input = body.input;
  if (typeof input === 'string') return `Answer: ${input}`;
  const messages = (Array.isArray(input) ? input : (body.messages as unknown[])) ?? [];
  const lastUser = [...messages].reverse().find((m) => (m as { role?: string }).role === 'user') as { content?: unknown } | undefined;
  const c = lastUser?.content;
  const text = typeof c === 'string' ? c : Array.isArray(c) ? c.map((p: { text?: string }) => p.text ?? '').join('') : '';
  return `Answer: ${text}`;
}

// ---- OpenAI chat completions ---------------------------------------------------

function chatUsage() {
  const u = USAGE.openai;
  return {
    prompt_tokens: u.prompt,
    completion_tokens: u.completion,
    total_tokens: u.prompt + u.completion,
    prompt_tokens_details: { cached_tokens: u.cached, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

function chatCompletion(model: string, body: Record<string, unknown>) {
  const wantsTool = Array.isArray(body.tools) && body.tools.length > 0;
  const message = wantsTool
    ? {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }],
      }
    : { role: 'assistant', content: answerFor(body), refusal: null, annotations: [] };
  return {
    id: 'chatcmpl-mock',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: snapshotOf(model),
    choices: [{ index: 0, message, logprobs: null, finish_reason: wantsTool ? 'tool_calls' : 'stop' }],
    usage: chatUsage(),
    system_fingerprint: 'fp_mock',
  };
}

function chatStream(model: string, body: Record<string, unknown>): string {
  const base = { id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1_700_000_000, model: snapshotOf(model), system_fingerprint: 'fp_mock' };
  const text = answerFor(body);
  const pieces = [text.slice(0, 3), text.slice(3, 8), text.slice(8)];
  const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  const usage = includeUsage ? { usage: null } : {};
  const chunks = [
    { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }], ...usage },
    ...pieces.map((p) => ({ ...base, choices: [{ index: 0, delta: { content: p }, logprobs: null, finish_reason: null }], ...usage })),
    { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], ...usage },
  ];
  if (includeUsage) chunks.push({ ...base, choices: [], usage: chatUsage() } as never);
  return `${chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('')}data: [DONE]\n\n`;
}

// ---- OpenAI responses ----------------------------------------------------------

function response(model: string, body: Record<string, unknown>, status = 'completed') {
  const u = USAGE.responses;
  return {
    id: 'resp_mock',
    object: 'response',
    created_at: 1_700_000_000,
    status,
    model: snapshotOf(model),
    output: [
      {
        type: 'message',
        id: 'msg_mock',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: answerFor(body), annotations: [] }],
      },
    ],
    usage: {
      input_tokens: u.input,
      input_tokens_details: { cached_tokens: u.cached },
      output_tokens: u.output,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: u.input + u.output,
    },
  };
}

function responseStream(model: string, body: Record<string, unknown>): string {
  const full = response(model, body);
  const created = { ...full, status: 'in_progress', output: [], usage: null };
  const text = answerFor(body);
  const events: Array<[string, Record<string, unknown>]> = [
    ['response.created', { response: created }],
    ['response.output_text.delta', { item_id: 'msg_mock', output_index: 0, content_index: 0, delta: text.slice(0, 4) }],
    ['response.output_text.delta', { item_id: 'msg_mock', output_index: 0, content_index: 0, delta: text.slice(4) }],
    ['response.completed', { response: full }],
  ];
  return events.map(([type, data], i) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: i, ...data })}\n\n`).join('');
}

// ---- OpenAI embeddings ---------------------------------------------------------

function embeddings(model: string, body: Record<string, unknown>) {
  const vector = [0.1, 0.2, 0.3];
  const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
  return {
    object: 'list',
    data: [{ object: 'embedding', index: 0, embedding }],
    model: snapshotOf(model),
    usage: { prompt_tokens: USAGE.embeddings.prompt, total_tokens: USAGE.embeddings.prompt },
  };
}

// ---- Anthropic messages --------------------------------------------------------

function message(model: string, body: Record<string, unknown>) {
  const u = USAGE.anthropic;
  return {
    id: 'msg_mock',
    type: 'message',
    role: 'assistant',
    model: snapshotOf(model),
    content: [{ type: 'text', text: answerFor(body) }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: u.input,
      cache_creation_input_tokens: u.cacheWrite,
      cache_read_input_tokens: u.cacheRead,
      output_tokens: u.output,
      service_tier: 'standard',
    },
  };
}

function messageStream(model: string, body: Record<string, unknown>): string {
  const u = USAGE.anthropic;
  const full = message(model, body);
  const text = answerFor(body);
  const start = { ...full, content: [], stop_reason: null, usage: { ...full.usage, output_tokens: 1 } };
  const events: Array<[string, Record<string, unknown>]> = [
    ['message_start', { message: start }],
    ['content_block_start', { index: 0, content_block: { type: 'text', text: '' } }],
    ['ping', {}],
    ['content_block_delta', { index: 0, delta: { type: 'text_delta', text: text.slice(0, 5) } }],
    ['content_block_delta', { index: 0, delta: { type: 'text_delta', text: text.slice(5) } }],
    ['content_block_stop', { index: 0 }],
    ['message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: u.output } }],
    ['message_stop', {}],
  ];
  return events.map(([type, data]) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`).join('');
}

// ---- transport ---------------------------------------------------------------

function sendJson(res: ServerResponse, json: unknown, status = 200, headers: Record<string, string> = {}, bodyDelayMs = 0): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_mock', 'request-id': 'req_mock', ...headers });
  if (bodyDelayMs === 0) return void res.end(JSON.stringify(json));
  res.flushHeaders();
  setTimeout(() => res.end(JSON.stringify(json)), bodyDelayMs);
}

/** Sends an SSE body in several writes, as a real server streams it. */
function sendSse(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_mock', 'request-id': 'req_mock' });
  const events = body.split(/(?<=\n\n)/);
  let i = 0;
  const next = () => {
    if (i >= events.length) return void res.end();
    res.write(events[i++]);
    setImmediate(next);
  };
  next();
}
