import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../collector/limits.js';
import type { RunningCollector } from '../../collector/server.js';
import { getJson, startTestCollector } from '../helpers/collector.js';
import { postJson, request, span } from '../helpers/otlp-json.js';

const batch = (dataset: string, n: number) =>
  request(Array.from({ length: n }, () => span({ attrs: { 'evaltrace.dataset.name': dataset, 'gen_ai.input.messages': 'x'.repeat(2000) } })));

describe('backpressure: bounded in-flight work, retryable answers, nothing half-written', () => {
  let c: RunningCollector | undefined;
  afterEach(async () => {
    await c?.close();
    c = undefined;
  });

  async function flood(dataset: string, requests: number, spans: number) {
    const answers = await Promise.all(Array.from({ length: requests }, () => postJson(c!.url, batch(dataset, spans))));
    const ok = answers.filter((a) => a.status === 200).length;
    const { body } = await getJson(c!, `/api/triples?dataset=${dataset}`);
    return { answers, ok, stored: body.triples[0]?.n_traces ?? 0 };
  }

  it('answers 429 with Retry-After past the in-flight request limit, and stores exactly the acknowledged spans', async () => {
    c = await startTestCollector({ maxInflightRequests: 1 });
    const { answers, ok, stored } = await flood('inflight', 30, 20);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(ok + refused.length).toBe(30);
    for (const r of refused) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(stored).toBe(ok * 20);
  });

  it('answers 503 with Retry-After when the group-commit queue is full', async () => {
    c = await startTestCollector({ maxPendingRows: 30 });
    const { answers, ok, stored } = await flood('queue', 30, 20);
    const refused = answers.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.body.error.code).toBe('overloaded');
    expect(refused[0]!.headers.get('retry-after')).toBe('1');
    expect(stored).toBe(ok * 20);
  });

  it('rejects a request with more spans than the per-request limit as a whole with 413', async () => {
    c = await startTestCollector({ limits: { ...DEFAULT_LIMITS, maxSpansPerRequest: 10 } });
    const res = await postJson(c.url, batch('too-many', 11));
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(/11 spans; the limit is 10/);
  });

  it('exposes requests by status, spans, bytes, latency histograms and in-flight work in /metrics', async () => {
    c = await startTestCollector();
    await postJson(c.url, batch('metrics', 3));
    await postJson(c.url, request(['broken']));
    const text = await (await fetch(`${c.url}/metrics`)).text();
    expect(text).toMatch(/^evaltrace_http_requests_total\{route="\/v1\/traces",status="200"\} 2$/m);
    expect(text).toMatch(/^evaltrace_spans_accepted_total 3$/m);
    expect(text).toMatch(/^evaltrace_spans_rejected_total 1$/m);
    expect(text).toMatch(/^evaltrace_received_bytes_total\{signal="traces"\} \d+$/m);
    expect(text).toMatch(/^evaltrace_store_write_duration_seconds_count \d+$/m);
    expect(text).toMatch(/^evaltrace_http_request_duration_seconds_bucket\{route="\/v1\/traces",le="\+Inf"\} 2$/m);
    expect(text).toMatch(/^evaltrace_inflight_requests \d+$/m);
  });
});
