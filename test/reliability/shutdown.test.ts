import { request as httpRequest } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '../helpers/data-dir.js';
import { type ChildCollector, freePort, spawnCollector } from '../helpers/child-collector.js';
import { request, span } from '../helpers/otlp-json.js';

/** Starts a POST whose body arrives in two halves, so the request is in flight when we want it to be. */
function slowPost(url: string, body: string) {
  const half = Math.floor(body.length / 2);
  let sendRest!: () => void;
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = httpRequest(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.write(body.slice(0, half));
    sendRest = () => req.end(body.slice(half));
  });
  return { response, sendRest: () => sendRest() };
}

describe('graceful shutdown on SIGTERM', () => {
  let child: ChildCollector | undefined;
  afterAll(() => {
    child?.proc.kill('SIGKILL');
  });

  it('finishes the in-flight request, refuses new ones, exits 0, and a restart resumes with the data', async () => {
    const dataDir = tempDataDir();
    const port = await freePort();
    child = await spawnCollector(dataDir, port);
    const spans = Array.from({ length: 50 }, () => span({ attrs: { 'evaltrace.dataset.name': 'shutdown' } }));
    const inflight = slowPost(child.url, JSON.stringify(request(spans)));
    await new Promise((r) => setTimeout(r, 200));

    child.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    await expect(fetch(`${child.url}/healthz`)).rejects.toThrow();
    inflight.sendRest();
    const answer = await inflight.response;
    expect(answer.status).toBe(200);
    expect(await child.exited).toBe(0);
    expect(child.output()).toMatch(/SIGTERM: finishing in-flight requests/);

    child = await spawnCollector(dataDir, port);
    expect(child.output()).not.toMatch(/did not shut down cleanly/);
    const res = await fetch(`${child.url}/api/triples?dataset=shutdown`);
    expect(((await res.json()) as any).triples[0].n_traces).toBe(50);
    child.proc.kill('SIGTERM');
    expect(await child.exited).toBe(0);
  }, 60_000);
});
