import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An OpenAI-compatible /v1/chat/completions on 127.0.0.1. Each call states
 * the usage the "provider" reports in request headers, so a test knows every
 * token count it expects without reading anything back:
 *   x-mock-usage: prompt,completion[,cached]
 *   x-mock-model: the model the response names (default: the requested one)
 * Streams send the answer in chunks and, when stream_options.include_usage
 * is set, a final chunk with empty choices and the usage, as OpenAI does.
 * Connections are not kept alive: a test's event loop, busy with the
 * in-process collector, must not race the server's idle-socket close.
 */
export interface MockOpenAI {
  baseURL: string;
  /** Requests served so far (the instrumented client really went over HTTP). */
  requests: number;
  close(): Promise<void>;
}

export interface MockUsage {
  prompt: number;
  completion: number;
  cached?: number;
}

export const usageHeaders = (u: MockUsage, model?: string): Record<string, string> => ({
  'x-mock-usage': [u.prompt, u.completion, u.cached ?? 0].join(','),
  ...(model ? { 'x-mock-model': model } : {}),
});

interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
}

let served = 0;

function usageOf(req: IncomingMessage) {
  const [prompt = 0, completion = 0, cached = 0] = String(req.headers['x-mock-usage'] ?? '0,0,0')
    .split(',')
    .map(Number);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cached },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

async function readJson(req: IncomingMessage): Promise<ChatRequest> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
    return;
  }
  const body = await readJson(req);
  served += 1;
  const id = `chatcmpl-mock-${served}`;
  const model = String(req.headers['x-mock-model'] ?? body.model);
  const created = 1_790_000_000;
  const answer = `Answer to: ${body.messages.at(-1)?.content ?? ''}`;
  const usage = usageOf(req);
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
    res.end(
      JSON.stringify({
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: answer, refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage,
      }),
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'close' });
  const chunk = (choices: unknown[], extra: object = {}) =>
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`);
  chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
  for (const part of answer.match(/.{1,8}/g) ?? []) chunk([{ index: 0, delta: { content: part }, finish_reason: null }]);
  chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]);
  if (body.stream_options?.include_usage) chunk([], { usage });
  res.end('data: [DONE]\n\n');
}

export async function startMockOpenAI(): Promise<MockOpenAI> {
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: err.message } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const start = served;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return served - start;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
