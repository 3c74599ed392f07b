import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { definePrompt } from '../../src/index.js';
import { startTestCollector } from '../helpers/collector.js';
import { planBaseline, sendGateTasks } from '../helpers/gate-scenarios.js';

const KEY = 'k-prompts';
let collector: RunningCollector;

async function call(method: string, path: string, body?: unknown, key = KEY) {
  const res = await fetch(collector.url + path, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** The version rule of docs/prompts.md, computed here without the SDK's or the collector's code. */
const hashOf = (template: string | Array<{ role: string; content: string }>) =>
  `sha256:${createHash('sha256')
    .update(typeof template === 'string' ? template : JSON.stringify(template.map((m) => [m.role, m.content])))
    .digest('hex')
    .slice(0, 12)}`;

const T1 = 'Answer briefly: {{question}}';
const T2 = 'Answer in one sentence, citing the policy: {{question}}';
const CHAT = [
  { role: 'system', content: 'You are a support agent.' },
  { role: 'user', content: '{{question}}' },
];

beforeAll(async () => {
  collector = await startTestCollector({ env: { EVALTRACE_API_KEYS: `${KEY}:acme,k-other:other` } });
});
afterAll(() => collector?.close());

describe('prompt registry: versions', () => {
  it("stores a template under its hash, the one definePrompt gives it, and storing it again changes nothing", async () => {
    const first = await call('POST', '/api/prompts/answer/versions', { template: T1, config: { model: 'gpt-4o-mini', temperature: 0 }, created_by: 'alice', message: 'first cut' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ prompt: 'answer', version: hashOf(T1), content_hash: hashOf(T1), type: 'text', template: T1, created: true, created_by: 'alice', message: 'first cut' });
    expect(first.body.config).toEqual({ model: 'gpt-4o-mini', temperature: 0 });
    expect(definePrompt({ name: 'answer', template: T1 }).version).toBe(first.body.version);
    const again = await call('POST', '/api/prompts/answer/versions', { template: T1, config: { model: 'gpt-4o-mini', temperature: 0 } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ version: hashOf(T1), created: false });
  });

  it('names a version once: the same name for another template or config is a 409', async () => {
    const v2 = await call('POST', '/api/prompts/answer/versions', { template: T2, version: 'v2' });
    expect(v2.status).toBe(201);
    expect(v2.body).toMatchObject({ version: 'v2', content_hash: hashOf(T2) });
    const clash = await call('POST', '/api/prompts/answer/versions', { template: `${T2}!`, version: 'v2' });
    expect(clash.status).toBe(409);
    expect(clash.body.error.message).toContain(`already has version v2 with template ${hashOf(T2)}`);
    const otherConfig = await call('POST', '/api/prompts/answer/versions', { template: T1, config: { temperature: 1 } });
    expect(otherConfig.status).toBe(409);
    expect(otherConfig.body.error.message).toContain('another config');
    const byHash = await call('GET', `/api/prompts/answer/versions/${encodeURIComponent(hashOf(T2))}`);
    expect(byHash.body.version).toBe('v2');
  });

  it('keeps chat templates as messages, hashed by role and content', async () => {
    const chat = await call('POST', '/api/prompts/support-chat/versions', { template: CHAT });
    expect(chat.status).toBe(201);
    expect(chat.body).toMatchObject({ type: 'chat', template: CHAT, version: hashOf(CHAT) });
    expect(definePrompt({ name: 'support-chat', template: CHAT }).version).toBe(hashOf(CHAT));
  });

  it('lists versions newest first with latest on the newest, and keeps projects apart', async () => {
    const entry = await call('GET', '/api/prompts/answer');
    expect(entry.status).toBe(200);
    expect(entry.body.versions.map((v: any) => v.version)).toEqual(['v2', hashOf(T1)]);
    expect(entry.body.labels).toEqual({ latest: 'v2' });
    expect(entry.body.versions[0].labels).toEqual(['latest']);
    const list = await call('GET', '/api/prompt-registry');
    expect(list.body.prompts.map((p: any) => [p.prompt, p.versions])).toEqual([
      ['answer', 2],
      ['support-chat', 1],
    ]);
    expect((await call('GET', '/api/prompt-registry', undefined, 'k-other')).body.prompts).toEqual([]);
    expect((await call('GET', '/api/prompts/answer', undefined, 'k-other')).status).toBe(404);
  });

  it('refuses bad input with the field named, and stores nothing', async () => {
    const cases: Array<[string, unknown, number, string]> = [
      ['/api/prompts/answer/versions', { template: '' }, 400, 'template'],
      ['/api/prompts/answer/versions', { template: T1, colour: 'red' }, 400, 'colour'],
      ['/api/prompts/answer/versions', { template: [{ role: 'user' }] }, 400, 'template'],
      ['/api/prompts/answer/versions', { template: T1, version: 'sha256:abc' }, 400, 'version'],
      ['/api/prompts/answer/versions', { template: T1, labels: ['latest'] }, 400, 'latest'],
      ['/api/prompts/bad%20name/versions', { template: T1 }, 400, 'prompt name'],
      ['/api/prompts/answer/versions', 'not json', 400, 'JSON'],
    ];
    for (const [path, body, status, word] of cases) {
      const res = await call('POST', path, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.message, JSON.stringify(body)).toContain(word);
    }
    expect((await call('GET', '/api/prompts/answer')).body.versions).toHaveLength(2);
  });
});

describe('prompt registry: labels', () => {
  it('moves a label between versions, resolves it to the new one, and keeps every move', async () => {
    const toV1 = await call('PUT', '/api/prompts/answer/labels/production', { version: hashOf(T1), moved_by: 'alice', reason: 'first release' });
    expect(toV1.status).toBe(200);
    expect(toV1.body).toMatchObject({ label: 'production', previous_version: null, moved: true, version: { version: hashOf(T1), labels: ['production'] } });
    expect((await call('GET', '/api/prompts/answer/labels/production')).body.version.template).toBe(T1);

    const toV2 = await call('PUT', '/api/prompts/answer/labels/production', { version: 'v2', moved_by: 'bob', reason: 'v2 passed the gate' });
    expect(toV2.body).toMatchObject({ previous_version: hashOf(T1), moved: true });
    const now = await call('GET', '/api/prompts/answer/labels/production');
    expect(now.body.version).toMatchObject({ version: 'v2', template: T2, labels: ['latest', 'production'] });
    expect(now.body.history.map((e: any) => [e.previous_version, e.version, e.moved_by, e.reason])).toEqual([
      [null, hashOf(T1), 'alice', 'first release'],
      [hashOf(T1), 'v2', 'bob', 'v2 passed the gate'],
    ]);
    const same = await call('PUT', '/api/prompts/answer/labels/production', { version: 'v2' });
    expect(same.body.moved).toBe(false);
    expect(same.body.history).toHaveLength(2);
  });

  it('sets labels when a version is stored, and latest follows the newest version', async () => {
    const v3 = await call('POST', '/api/prompts/answer/versions', { template: `${T2} Be kind.`, version: 'v3', labels: ['staging'], created_by: 'carol' });
    expect(v3.body.labels).toEqual(['latest', 'staging']);
    expect((await call('GET', '/api/prompts/answer/labels/latest')).body.version.version).toBe('v3');
    expect((await call('GET', '/api/prompts/answer/labels/staging')).body.history[0]).toMatchObject({ version: 'v3', moved_by: 'carol' });
  });

  it('removes a label, saying so when it is asked for, and refuses moves it cannot make', async () => {
    const removed = await call('DELETE', '/api/prompts/answer/labels/staging?moved_by=carol&reason=withdrawn');
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ version: null, previous_version: 'v3', moved: true });
    const gone = await call('GET', '/api/prompts/answer/labels/staging');
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toContain('it was removed');
    expect((await call('DELETE', '/api/prompts/answer/labels/staging')).status).toBe(404);
    const unknown = await call('PUT', '/api/prompts/answer/labels/production', { version: 'v9' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.message).toContain('has no version v9');
    expect((await call('PUT', '/api/prompts/answer/labels/latest', { version: 'v2' })).status).toBe(400);
    expect((await call('PUT', '/api/prompts/nope/labels/production', { version: 'v2' })).status).toBe(404);
    expect((await call('PUT', '/api/prompts/answer/labels/production', {})).status).toBe(400);
    expect((await call('GET', '/api/prompts/answer/labels/production')).body.version.version).toBe('v2');
  });
});

describe('releases and registry labels', () => {
  const MODEL = 'gpt-4o-mini';
  const config = (prompt_version: string) => ({ model: MODEL, prompt: 'answer', prompt_version });
  const register = async (prompt_version: string) => call('POST', '/api/releases', { name: 'support-bot', config: config(prompt_version), created_by: 'alice' });
  let decisionId: string;
  const promote = async (id: string, extra: object = {}) =>
    call('POST', `/api/releases/${id}/promote`, { approver: 'alice', reason: 'reviewed', override: true, gate_decision_id: decisionId, ...extra });

  // A rollback restores only a release whose gate decision and traces are stored: send both prompt versions' traces and gate them.
  beforeAll(async () => {
    const plan = (promptVersion: string, seed: number) => planBaseline({ seed, datasetVersion: 'd1', count: 12, model: MODEL, promptVersion, idPrefix: promptVersion });
    await sendGateTasks(collector.url, [...plan(hashOf(T1), 1), ...plan('v3', 2)], {}, { authorization: `Bearer ${KEY}` });
    const side = (prompt_version: string) => ({ dataset_version: 'd1', model: MODEL, prompt_version });
    const gate = await call('POST', '/api/gates/evaluate', { baseline: side(hashOf(T1)), candidate: side('v3'), rules: [{ metric: 'score_mean', direction: 'higher_is_better', severity: 'warn' }], min_n: 5 });
    expect(gate.status).toBe(200);
    decisionId = gate.body.decision_id;
  }, 60_000);

  it('refuses a release of a registered prompt with a version the registry lacks', async () => {
    const res = await register('v9');
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain('has no version v9');
  });

  it("moves the stage's label on promotion and moves production back on rollback", async () => {
    const first = (await register(hashOf(T1))).body;
    expect((await promote(first.id)).body.prompt_label).toMatchObject({ prompt: 'answer', label: 'staging', to: hashOf(T1), moved: true });
    const live = await promote(first.id);
    expect(live.body.prompt_label).toMatchObject({ label: 'production', from: 'v2', to: hashOf(T1) });
    const label = (await call('GET', '/api/prompts/answer/labels/production')).body;
    expect(label.version.version).toBe(hashOf(T1));
    expect(label.history.at(-1)).toMatchObject({ release_id: first.id, moved_by: 'alice' });

    const second = (await register('v3')).body;
    expect((await promote(second.id, { prompt_label: false })).body.prompt_label).toBeNull();
    expect((await promote(second.id)).body.prompt_label).toMatchObject({ label: 'production', from: hashOf(T1), to: 'v3' });
    expect((await call('GET', '/api/prompts/answer/labels/production')).body.version.version).toBe('v3');

    const rolled = await call('POST', `/api/releases/${second.id}/rollback`, { approver: 'bob', reason: 'complaints' });
    expect(rolled.status).toBe(200);
    expect(rolled.body.prompt_label).toMatchObject({ label: 'production', from: 'v3', to: hashOf(T1) });
    expect((await call('GET', '/api/prompts/answer/labels/production')).body.version.version).toBe(hashOf(T1));
  });

  it('leaves prompts outside the registry alone, and refuses a label asked for one', async () => {
    const r = (await call('POST', '/api/releases', { name: 'other-bot', config: { model: 'm', prompt: 'in-code', prompt_version: 'v1' }, created_by: 'alice' })).body;
    expect((await promote(r.id)).body.prompt_label).toBeNull();
    const asked = await promote(r.id, { prompt_label: 'production' });
    expect(asked.status).toBe(422);
    expect(asked.body.error.message).toContain('not in the prompt registry');
  });
});
