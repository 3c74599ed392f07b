import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meanCI95, quantile } from '../../collector/stats/index.js';
import type { RunningCollector } from '../../collector/server.js';
import { startTestCollector } from '../helpers/collector.js';
import { clamp01, DATASET, derive, EVALUATION, type GateTask, JUDGE, JUDGE_VERSION, planBaseline, PROMPT, sendGateTasks } from '../helpers/gate-scenarios.js';

const KEY_A = 'release-key-alpha-0123';
const KEY_B = 'release-key-bravo-4567';
const MODEL = 'gpt-x';
const v0 = planBaseline({ seed: 11, datasetVersion: 'd1', count: 30, model: MODEL, promptVersion: 'v0' });
const better = (version: string, by: number) => derive(v0, version, (t) => ({ score: clamp01(t.score + by) }));
const PLANS: Record<string, GateTask[]> = { v0, v1: better('v1', 0.05), v2: better('v2', 0.1), v3: better('v3', 0.15) };
const ENVELOPE = { 'evaltrace.code.version': '9f2c1e0', 'evaltrace.env.runtime': 'node 20.20', 'evaltrace.seed': '7' };

const config = (promptVersion: string) => ({
  model: MODEL,
  prompt: PROMPT,
  prompt_version: promptVersion,
  dataset: DATASET,
  dataset_version: 'd1',
  judge: JUDGE,
  judge_version: JUDGE_VERSION,
});
const side = (promptVersion: string) => ({ dataset: DATASET, dataset_version: 'd1', model: MODEL, prompt_version: promptVersion });
const RULE = { metric: 'score_mean', direction: 'higher_is_better', margin: { absolute: 0.01 }, severity: 'block' };

describe('release registry: lifecycle, approvals, rollback and cards', () => {
  let c: RunningCollector;
  const ids: Record<string, string> = {};
  const decisions: Record<string, string> = {};
  let r1Promoted: unknown[] = [];

  async function api(method: string, path: string, body?: unknown, key = KEY_A): Promise<{ status: number; body: any; type: string }> {
    const res = await fetch(c.url + path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, body: type.includes('json') ? await res.json() : await res.text(), type };
  }
  const gate = async (baseline: string, candidate: string, minN = 30) => {
    const res = await api('POST', '/api/gates/evaluate', { baseline: side(baseline), candidate: side(candidate), rules: [RULE], min_n: minN });
    expect(res.status).toBe(200);
    return res.body;
  };
  const approval = (approver: string, reason: string, extra: object = {}) => ({ approver, reason, ...extra });

  beforeAll(async () => {
    c = await startTestCollector({ env: { EVALTRACE_API_KEYS: `${KEY_A}:alpha,${KEY_B}:bravo` } });
    const headers = { authorization: `Bearer ${KEY_A}` };
    await sendGateTasks(c.url, [...PLANS.v0!, ...PLANS.v1!, ...PLANS.v3!], {}, headers);
    await sendGateTasks(c.url, PLANS.v2!, ENVELOPE, headers);
  }, 60_000);

  afterAll(async () => {
    await c?.close();
  });

  it('registers a release as a candidate, with its registrant as the first approval', async () => {
    const res = await api('POST', '/api/releases', { name: 'support-bot', config: config('v1'), created_by: 'alice' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'support-bot', config: config('v1'), created_by: 'alice', stage: 'candidate' });
    expect(res.body.history).toEqual([
      expect.objectContaining({ action: 'register', from_stage: null, to_stage: 'candidate', approver: 'alice', reason: 'registered', gate_decision_id: null, override: false }),
    ]);
    ids.r1 = res.body.id;
  });

  it('refuses to promote without a gate decision, with a 422 that says what is needed', async () => {
    const res = await api('POST', `/api/releases/${ids.r1}/promote`, approval('alice', 'ship it'));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('gate_decision_required');
    expect(res.body.error.message).toMatch(/gate_decision_id.*said promote.*override: true/);
    expect((await api('GET', `/api/releases/${ids.r1}`)).body.history).toHaveLength(1);
  });

  it('refuses a gate decision that did not say promote, and one about another configuration', async () => {
    const thin = await gate('v0', 'v1', 1000);
    expect(thin.decision).toBe('warn');
    const warned = await api('POST', `/api/releases/${ids.r1}/promote`, approval('alice', 'ship it', { gate_decision_id: thin.decision_id }));
    expect(warned.status).toBe(422);
    expect(warned.body.error.code).toBe('gate_decision_not_promote');
    expect(warned.body.error.message).toMatch(/said warn, not promote \(insufficient evidence/);

    const other = await gate('v1', 'v2');
    expect(other.decision).toBe('promote');
    decisions.v2 = other.decision_id;
    const mismatch = await api('POST', `/api/releases/${ids.r1}/promote`, approval('alice', 'ship it', { gate_decision_id: other.decision_id }));
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.error.code).toBe('gate_decision_mismatch');
    expect(mismatch.body.error.message).toMatch(/prompt_version: release v1, gate candidate v2/);

    const unknown = await api('POST', `/api/releases/${ids.r1}/promote`, approval('alice', 'x', { gate_decision_id: '00000000-0000-4000-8000-000000000000' }));
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('gate_decision_not_found');
  });

  it('promotes one stage at a time on a promote decision, recording approver, reason and decision', async () => {
    const d = await gate('v0', 'v1');
    expect(d.decision).toBe('promote');
    decisions.v1 = d.decision_id;
    const staging = await api('POST', `/api/releases/${ids.r1}/promote`, approval('alice', 'gate passed', { gate_decision_id: d.decision_id }));
    expect(staging.status).toBe(200);
    expect(staging.body.release.stage).toBe('staging');
    const production = await api('POST', `/api/releases/${ids.r1}/promote`, approval('bob', 'staging soak ok', { gate_decision_id: d.decision_id }));
    expect(production.body.release.stage).toBe('production');
    expect(production.body.superseded).toEqual([]);
    const h = production.body.release.history;
    expect(h.map((e: any) => [e.action, e.from_stage, e.to_stage, e.approver, e.reason, e.gate_decision_id, e.override])).toEqual([
      ['register', null, 'candidate', 'alice', 'registered', null, false],
      ['promote', 'candidate', 'staging', 'alice', 'gate passed', d.decision_id, false],
      ['promote', 'staging', 'production', 'bob', 'staging soak ok', d.decision_id, false],
    ]);
    expect(new Set(h.map((e: any) => e.at)).size).toBe(3);
    r1Promoted = h;

    const again = await api('POST', `/api/releases/${ids.r1}/promote`, approval('bob', 'again', { gate_decision_id: d.decision_id }));
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already in production/);
  });

  it('archives the production release when a newer one reaches production, appending to its history', async () => {
    const r2 = await api('POST', '/api/releases', { name: 'support-bot', config: config('v2'), created_by: 'carol' });
    ids.r2 = r2.body.id;
    for (const reason of ['gate passed', 'canary ok']) {
      const res = await api('POST', `/api/releases/${ids.r2}/promote`, approval('carol', reason, { gate_decision_id: decisions.v2 }));
      expect(res.status).toBe(200);
      if (reason === 'canary ok') {
        expect(res.body.release.stage).toBe('production');
        expect(res.body.superseded.map((r: any) => [r.id, r.stage])).toEqual([[ids.r1, 'archived']]);
      }
    }
    const r1 = (await api('GET', `/api/releases/${ids.r1}`)).body;
    expect(r1.history.slice(0, 3)).toEqual(r1Promoted);
    expect(r1.history[3]).toMatchObject({ action: 'supersede', from_stage: 'production', to_stage: 'archived', approver: 'carol', gate_decision_id: decisions.v2 });
    expect(r1.history[3].reason).toBe(`superseded by release ${ids.r2}: canary ok`);
    const list = (await api('GET', '/api/releases?name=support-bot')).body.releases;
    expect(list.map((r: any) => [r.id, r.stage])).toEqual([
      [ids.r1, 'archived'],
      [ids.r2, 'production'],
    ]);
  });

  it('names the last production configuration whose decision and traces are stored as the rollback candidate', async () => {
    const res = await api('GET', '/api/releases/support-bot/rollback-candidate');
    expect(res.status).toBe(200);
    expect(res.body.production).toEqual([ids.r2]);
    expect(res.body.candidate).toMatchObject({ gate_decision_id: decisions.v1, n_traces: 30 });
    expect(res.body.candidate.release.id).toBe(ids.r1);
    expect(res.body.reason).toMatch(new RegExp(`^release ${ids.r1} qualifies: it was in production until .*, promoted on gate decision ${decisions.v1} \\(promote\\), and 30 traces`));
    expect((await api('GET', '/api/releases/nobody/rollback-candidate')).status).toBe(404);
  });

  it('renders a card with configuration, datasets, quality with CIs, cost, latency, decisions, approvals, envelope and rollback candidate', async () => {
    const res = await api('GET', `/api/releases/${ids.r2}/card`);
    expect(res.status).toBe(200);
    const card = res.body;
    const plan = PLANS.v2!;
    const successes = plan.filter((t) => t.success).length;
    const cost = plan.reduce((s, t) => s + t.costUsd, 0);
    expect(card.release.config).toEqual(config('v2'));
    expect(card.datasets).toHaveLength(1);
    expect(card.datasets[0]).toMatchObject({ dataset: DATASET, dataset_version: 'd1', n_traces: 30, n_success: successes });
    expect(card.datasets[0].cost_per_success).toBeCloseTo(cost / successes, 12);
    expect(card.datasets[0].latency_ms_p95).toBeCloseTo(quantile(plan.map((t) => t.latencyMs), 0.95)!, 6);
    const quality = meanCI95(plan.map((t) => t.score));
    expect(card.quality).toHaveLength(1);
    expect(card.quality[0]).toMatchObject({ judge: JUDGE, judge_version: JUDGE_VERSION, evaluation: EVALUATION, qualifying: true, n_scored: 30 });
    expect(card.quality[0].score_mean).toBeCloseTo(quality.mean!, 12);
    expect(card.quality[0].score_ci95[0]).toBeCloseTo(quality.ci95![0], 9);
    expect(card.gate_decisions.map((d: any) => [d.id, d.decision])).toEqual([[decisions.v2, 'promote']]);
    expect(card.release.history.map((e: any) => e.approver)).toEqual(['carol', 'carol', 'carol']);
    expect(card.envelope).toEqual([
      { key: 'evaltrace.code.version', values: [{ value: '9f2c1e0', n_traces: 30 }] },
      { key: 'evaltrace.env.runtime', values: [{ value: 'node 20.20', n_traces: 30 }] },
      { key: 'evaltrace.seed', values: [{ value: '7', n_traces: 30 }] },
    ]);
    expect(card.n_traces_without_envelope).toBe(0);
    expect(card.known_regressions).toEqual([]);
    expect(card.rollback_candidate.candidate.release.id).toBe(ids.r1);
    for (const heading of ['## Configuration', '## Quality per judge version (95% CI)', '## Gate decisions', '## Approvals', '## Reproducibility envelope', '## Rollback candidate']) {
      expect(card.markdown).toContain(heading);
    }
    expect(card.markdown).toContain(`Release \`${ids.r1}\` (gpt-x, answer @ v1)`);
    const md = await api('GET', `/api/releases/${ids.r2}/card?format=markdown`);
    expect(md.type).toMatch(/^text\/markdown/);
    expect(md.body).toBe(card.markdown);
  });

  it('rolls back to the previous production configuration, appending to both histories', async () => {
    const res = await api('POST', `/api/releases/${ids.r2}/rollback`, approval('dave', 'error rate doubled'));
    expect(res.status).toBe(200);
    expect(res.body.rolled_back.stage).toBe('archived');
    expect(res.body.restored.id).toBe(ids.r1);
    expect(res.body.restored.stage).toBe('production');
    const r1 = res.body.restored.history;
    expect(r1.slice(0, 3)).toEqual(r1Promoted);
    expect(r1.map((e: any) => e.action)).toEqual(['register', 'promote', 'promote', 'supersede', 'restore']);
    expect(r1[4]).toMatchObject({ from_stage: 'archived', to_stage: 'production', approver: 'dave', gate_decision_id: decisions.v1 });
    expect(res.body.rolled_back.history.map((e: any) => [e.action, e.to_stage, e.approver])).toEqual([
      ['register', 'candidate', 'carol'],
      ['promote', 'staging', 'carol'],
      ['promote', 'production', 'carol'],
      ['rollback', 'archived', 'dave'],
    ]);
  });

  it('never offers a rolled-back release as a rollback candidate', async () => {
    const res = await api('GET', '/api/releases/support-bot/rollback-candidate');
    expect(res.body.candidate).toBeNull();
    expect(res.body.considered).toEqual([{ release_id: ids.r2, qualifies: false, reason: expect.stringMatching(/^it was rolled back out of production at .* \(error rate doubled\)$/) }]);
    const again = await api('POST', `/api/releases/${ids.r1}/rollback`, approval('dave', 'again'));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('no_rollback_candidate');
    const archived = await api('POST', `/api/releases/${ids.r2}/promote`, approval('dave', 'retry', { gate_decision_id: decisions.v2 }));
    expect(archived.status).toBe(409);
    expect(archived.body.error.message).toMatch(/archived/);
    const notProd = await api('POST', '/api/releases', { name: 'support-bot', config: config('v3'), created_by: 'erin' });
    ids.r3 = notProd.body.id;
    const rb = await api('POST', `/api/releases/${ids.r3}/rollback`, approval('erin', 'x'));
    expect(rb.status).toBe(409);
    expect(rb.body.error.message).toMatch(/in candidate, not production/);
  });

  it('promotes on an explicit override, recording who and why', async () => {
    const staging = await api('POST', `/api/releases/${ids.r3}/promote`, approval('erin', 'hotfix for outage', { override: true }));
    expect(staging.status).toBe(200);
    expect(staging.body.release.history.at(-1)).toMatchObject({ action: 'promote', to_stage: 'staging', approver: 'erin', reason: 'hotfix for outage', override: true, gate_decision_id: null });
    const prod = await api('POST', `/api/releases/${ids.r3}/promote`, approval('erin', 'hotfix verified', { override: true }));
    expect(prod.body.superseded.map((r: any) => r.id)).toEqual([ids.r1]);
    // r1 left production again by supersession, and its restore cited decision v1: it qualifies once more.
    const rb = await api('GET', '/api/releases/support-bot/rollback-candidate');
    expect(rb.body.candidate.release.id).toBe(ids.r1);
  });

  it('does not count a former production release whose configuration has no traces left', async () => {
    const ghost = await api('POST', '/api/releases', { name: 'ghost-bot', config: config('never-run'), created_by: 'fay' });
    const real = await api('POST', '/api/releases', { name: 'ghost-bot', config: config('v1'), created_by: 'fay' });
    for (const id of [ghost.body.id, ghost.body.id, real.body.id, real.body.id]) {
      const res = await api('POST', `/api/releases/${id}/promote`, approval('fay', 'override', { override: true, gate_decision_id: decisions.v1 }));
      expect(res.status).toBe(200);
    }
    const res = await api('GET', '/api/releases/ghost-bot/rollback-candidate');
    expect(res.body.candidate).toBeNull();
    expect(res.body.considered).toEqual([{ release_id: ghost.body.id, qualifies: false, reason: 'no traces of its configuration remain in the store' }]);
  });

  it('keeps releases and decisions inside their project', async () => {
    expect((await api('GET', `/api/releases/${ids.r1}`, undefined, KEY_B)).status).toBe(404);
    expect((await api('GET', '/api/releases?name=support-bot', undefined, KEY_B)).body.releases).toEqual([]);
    const other = await api('POST', '/api/releases', { name: 'support-bot', config: config('v1'), created_by: 'zed' }, KEY_B);
    const res = await api('POST', `/api/releases/${other.body.id}/promote`, approval('zed', 'x', { gate_decision_id: decisions.v1 }), KEY_B);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('gate_decision_not_found');
    expect((await api('GET', `/api/gates/decisions/${decisions.v1}`, undefined, KEY_B)).status).toBe(404);
  });

  it('answers bad bodies with a 400 naming the field', async () => {
    const badName = await api('POST', '/api/releases', { name: 'bad name!', config: config('v1'), created_by: 'x' });
    expect(badName.status).toBe(400);
    expect(badName.body.error.message).toMatch(/"name"/);
    const extra = await api('POST', '/api/releases', { name: 'ok', config: { ...config('v1'), temprature: 0.2 }, created_by: 'x' });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toMatch(/temprature/);
    const noReason = await api('POST', `/api/releases/${ids.r1}/promote`, { approver: 'x', override: true });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toMatch(/reason/);
  });

  it('lists the release endpoints in /openapi.json', async () => {
    const { body } = await api('GET', '/openapi.json');
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        '/api/releases',
        '/api/releases/{id}',
        '/api/releases/{id}/promote',
        '/api/releases/{id}/rollback',
        '/api/releases/{name}/rollback-candidate',
        '/api/releases/{id}/card',
      ]),
    );
  });
});
