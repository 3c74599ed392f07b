/**
 * The demo's LLM: an HTTP server speaking OpenAI's chat completions, so the
 * real `openai` client and the real SDK wrapper run unmodified against it.
 * It answers support questions as scenario.ts says and grades answers as the
 * LLM judge, with token usage counted from the text (about 4 characters a token).
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { JUDGE_SYSTEM, answer, itemOf, llmGrade } from './scenario.js';

export interface DemoLlm {
  /** baseURL for `new OpenAI(...)`. */
  url: string;
  close(): Promise<void>;
}

interface ChatMessage {
  role: string;
  content: string;
}

const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

export async function startDemoLlm(): Promise<DemoLlm> {
  // How often each (model, prompt, question) was asked: the attempt number makes repeats differ.
  const attempts = new Map<string, number>();
  const server = createServer((req, res) => {
    readJson(req).then(
      (body) => reply(body, attempts, res),
      (err: Error) => send(res, 400, { error: { type: 'invalid_request_error', message: err.message } }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (req.method !== 'POST' || !req.url?.startsWith('/v1/chat/completions')) throw new Error(`the demo LLM serves POST /v1/chat/completions only, not ${req.method} ${req.url}`);
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

async function reply(body: Record<string, unknown>, attempts: Map<string, number>, res: ServerResponse): Promise<void> {
  const model = String(body.model);
  const messages = (Array.isArray(body.messages) ? body.messages : []) as ChatMessage[];
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  const user = messages.findLast((m) => m.role === 'user')?.content ?? '';
  const key = `${model}\u0000${system}\u0000${user}`;
  const attempt = (attempts.get(key) ?? 0) + 1;
  attempts.set(key, attempt);

  let text: string;
  let status: number = 200;
  if (system === JUDGE_SYSTEM) {
    const { question, answer: given } = JSON.parse(user) as { question: string; answer: string };
    const item = itemOf(question);
    const score = item ? llmGrade(item, given, `${question}\u0000${given}\u0000${attempt}`) : 0;
    text = JSON.stringify({ score, reason: score === 1 ? 'matches the manual' : score === 0.5 ? 'addresses the question, but not as the manual says' : 'no answer' });
    await sleep(8);
  } else {
    const a = answer(model, system, user, attempt);
    await sleep(a.latencyMs);
    text = a.text;
    status = a.status;
  }
  if (status !== 200) return send(res, status, { error: { type: 'overloaded', message: 'the demo model is overloaded; retry later' } });
  const prompt = tokens(messages.map((m) => m.content).join('\n'));
  const completion = tokens(text);
  send(res, 200, {
    id: `chatcmpl-demo-${attempt}`,
    object: 'chat.completion',
    created: 1_764_979_200,
    model: `${model}-2025-04-14`,
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  });
}

function send(res: ServerResponse, status: number, json: unknown): void {
  const body = JSON.stringify(json);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
