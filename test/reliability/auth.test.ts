import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { startTestCollector } from '../helpers/collector.js';
import { newSpanId, newTraceId, postJson, request, span } from '../helpers/otlp-json.js';

const KEY_A = 'key-alpha-0123456789';
const KEY_B = 'key-bravo-9876543210';

describe('API keys and project isolation', () => {
  let c: RunningCollector;
  const traceId = newTraceId();
  const rootId = newSpanId();
  const logs: string[] = [];
  const originalError = console.error;

  beforeAll(async () => {
    console.error = (...args: unknown[]) => logs.push(args.map(String).join(' '));
    c = await startTestCollector({ env: { EVALTRACE_API_KEYS: `${KEY_A}:alpha,${KEY_B}:bravo` } });
    // Both projects send the same trace and span ids with the same versions but different numbers.
    for (const [key, tokens, success] of [
      [KEY_A, 100, true],
      [KEY_B, 7, false],
    ] as const) {
      const root = span({
        traceId,
        spanId: rootId,
        name: 'task',
        attrs: {
          'evaltrace.dataset.name': 'shared',
          'evaltrace.prompt.version': 'v1',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.operation.name': 'chat',
          'gen_ai.usage.input_tokens': tokens,
          'evaltrace.task.success': success,
        },
      });
      const res = await postJson(c.url, request([root]), { authorization: `Bearer ${key}` });
      expect(res.status).toBe(200);
    }
    // Project bravo's judge scores the shared trace id; alpha must never see it.
    const judge = span({
      links: [{ traceId, spanId: rootId }],
      attrs: { 'gen_ai.evaluation.score.value': 0.1, 'evaltrace.judge.name': 'j', 'evaltrace.judge.version': '1' },
    });
    await postJson(c.url, request([judge]), { authorization: `Bearer ${KEY_B}` });
  });
  afterAll(async () => {
    console.error = originalError;
    await c.close();
  });

  const get = async (path: string, key?: string) => {
    const res = await fetch(c.url + path, { headers: key === undefined ? {} : { authorization: `Bearer ${key}` } });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('answers 401 with one and the same message for a missing, malformed or unknown key', async () => {
    const answers = await Promise.all([
      get('/api/triples'),
      get('/api/triples', 'nope'),
      get('/api/triples', `${KEY_A}x`),
      fetch(`${c.url}/api/triples`, { headers: { authorization: 'Basic abc' } }).then(async (r) => ({ status: r.status, body: await r.json() })),
      postJson(c.url, request([span({})]), { authorization: 'Bearer wrong' }),
    ]);
    for (const a of answers) {
      expect(a.status).toBe(401);
      expect(a.body).toEqual(answers[0]!.body);
    }
  });

  it('shows each project only its own numbers for the same trace id and versions', async () => {
    const alpha = (await get('/api/triples', KEY_A)).body.triples;
    const bravo = (await get('/api/triples', KEY_B)).body.triples;
    expect(alpha).toHaveLength(1);
    expect(bravo).toHaveLength(1);
    expect(alpha[0]).toMatchObject({ input_tokens: 100, n_success: 1, judges: [] });
    expect(bravo[0]).toMatchObject({ input_tokens: 7, n_success: 0 });
    expect(bravo[0].judges[0]).toMatchObject({ n_scored: 1, score_mean: 0.1 });
  });

  it('scopes trace lookups by id and listings to the caller project', async () => {
    const a = await get(`/api/traces/${traceId}`, KEY_A);
    const b = await get(`/api/traces/${traceId}`, KEY_B);
    expect(a.body.input_tokens).toBe(100);
    expect(a.body.evaluations).toEqual([]);
    expect(b.body.input_tokens).toBe(7);
    expect(b.body.evaluations).toHaveLength(1);
    expect((await get('/api/traces', KEY_A)).body.traces.map((t: any) => t.input_tokens)).toEqual([100]);
  });

  it('keeps health and metrics open but never writes a key into responses or logs', async () => {
    expect((await fetch(`${c.url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${c.url}/metrics`)).text();
    expect(metrics).toMatch(/status="401"/);
    for (const text of [metrics, ...logs]) {
      expect(text).not.toContain(KEY_A);
      expect(text).not.toContain(KEY_B);
      expect(text).not.toContain('wrong');
    }
  });
});
