import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { gotoView, launchBrowser, openPage, screenshot, tableRows } from '../helpers/browser.js';
import { startTestCollector } from '../helpers/collector.js';
import { clamp01, DATASET, derive, JUDGE, JUDGE_VERSION, planBaseline, PROMPT, sendGateTasks } from '../helpers/gate-scenarios.js';

/** Releases and gate decisions pages over a release promoted through the real API on real gate decisions. */
const MODEL = 'gpt-x';
const v0 = planBaseline({ seed: 21, datasetVersion: 'd1', count: 30, model: MODEL, promptVersion: 'v0' });
const v1 = derive(v0, 'v1', (t) => ({ score: clamp01(t.score + 0.1) }));
const side = (promptVersion: string) => ({ dataset: DATASET, dataset_version: 'd1', model: MODEL, prompt_version: promptVersion });
const RULE = { metric: 'score_mean', direction: 'higher_is_better', margin: { absolute: 0.01 }, severity: 'block' };

describe('releases and gate decisions pages in a real browser', () => {
  let collector: RunningCollector;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let release: { id: string };
  const decisions: { promote?: string; warn?: string } = {};

  const post = async (path: string, body: unknown) => {
    const res = await fetch(collector.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status, `${path}: ${res.status}`).toBeLessThan(300);
    return (await res.json()) as any;
  };

  beforeAll(async () => {
    collector = await startTestCollector();
    await sendGateTasks(collector.url, [...v0, ...v1]);
    decisions.promote = (await post('/api/gates/evaluate', { baseline: side('v0'), candidate: side('v1'), rules: [RULE], min_n: 30 })).decision_id;
    decisions.warn = (await post('/api/gates/evaluate', { baseline: side('v0'), candidate: side('v1'), rules: [RULE], min_n: 100 })).decision_id;
    const config = { model: MODEL, prompt: PROMPT, prompt_version: 'v1', dataset: DATASET, dataset_version: 'd1', judge: JUDGE, judge_version: JUDGE_VERSION };
    release = await post('/api/releases', { name: 'support-bot', config, created_by: 'alice' });
    for (const reason of ['to staging', 'to production']) {
      await post(`/api/releases/${release.id}/promote`, { approver: 'alice', reason, gate_decision_id: decisions.promote });
    }
    browser = await launchBrowser();
    ({ page, problems } = await openPage(browser, collector.url));
  }, 120_000);

  afterAll(async () => {
    expect(problems).toEqual([]);
    await browser?.close();
    await collector?.close();
  });

  it('lists gate decisions newest first over the API, filtered by result', async () => {
    const all = (await (await fetch(`${collector.url}/api/gates/decisions`)).json()) as { decisions: Array<{ id: string; decision: string; checks: Array<{ outcome: string }> }> };
    expect(all.decisions.map((d) => [d.id, d.decision])).toEqual([
      [decisions.warn, 'warn'],
      [decisions.promote, 'promote'],
    ]);
    expect(all.decisions[1]!.checks).toEqual([{ metric: 'score_mean', evaluation: 'correctness', severity: 'block', outcome: 'pass' }]);
    const warned = (await (await fetch(`${collector.url}/api/gates/decisions?decision=warn`)).json()) as { decisions: Array<{ id: string }> };
    expect(warned.decisions.map((d) => d.id)).toEqual([decisions.warn]);
    expect((await fetch(`${collector.url}/api/gates/decisions?decision=maybe`)).status).toBe(400);
  });

  it('lists each release with its stage and the dataset and judge versions it was qualified on', async () => {
    await gotoView(page, collector.url, '#/releases');
    const rows = await tableRows(page, 'releases');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'support-bot', stage: 'production', by: 'alice' });
    expect(rows[0]!.config).toBe(`${MODEL} · ${PROMPT} v1 · dataset ${DATASET} d1 · judge ${JUDGE}@${JUDGE_VERSION}`);
  });

  it("shows a release's history, its rollback candidate, its quality and the decisions it cites", async () => {
    await page.click('table[data-testid="releases"] a');
    await page.waitForFunction(() => document.getElementById('view')?.dataset.rendered === location.hash && location.hash.startsWith('#/releases/'));
    const history = await tableRows(page, 'release-history');
    expect(history.map((e) => [e.action, e.stages])).toEqual([
      ['register', '— → candidate'],
      ['promote', 'candidate → staging'],
      ['promote', 'staging → production'],
    ]);
    expect(history[2]!.gate).toBe(decisions.promote!.slice(0, 8));
    expect(await page.getByTestId('tile-stage').innerText()).toContain('production');
    expect(await page.getByTestId('rollback-candidate').innerText()).toBeTruthy();
    const quality = await tableRows(page, 'release-quality');
    expect(quality.find((q) => q.judge === `${JUDGE}@${JUDGE_VERSION} (qualifying)`)).toMatchObject({ n: '30' });
    expect((await tableRows(page, 'release-decisions')).map((d) => [d.id, d.decision])).toEqual([[decisions.promote!.slice(0, 8), 'promote']]);
    await screenshot(page, 'release');
  });

  it('lists gate decisions newest first and opens one with every check and the reason for it', async () => {
    await gotoView(page, collector.url, '#/gates');
    const rows = await tableRows(page, 'decisions');
    expect(rows.map((r) => [r.id, r.decision])).toEqual([
      [decisions.warn!.slice(0, 8), 'warn'],
      [decisions.promote!.slice(0, 8), 'promote'],
    ]);
    expect(rows[0]).toMatchObject({ baseline: `dataset ${DATASET} · dataset_version d1 · model ${MODEL} · prompt_version v0` });
    await page.click(`a[href="#/gates/${decisions.warn}"]`);
    await page.waitForFunction(() => document.getElementById('view')?.dataset.rendered === location.hash && location.hash.startsWith('#/gates/'));
    expect(await page.getByTestId('tile-decision').innerText()).toContain('warn');
    const checks = await tableRows(page, 'decision-checks');
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ outcome: 'pass', n: '30' });
    // Every example improved by exactly 0.1: no interval, and the page says why.
    expect(checks[0]!.reason).toMatch(/changed by exactly 0\.1 \(no spread, so no interval\)/);
    expect(checks[0]!.delta).toMatch(/^\+0\.100\s+NO CI: ZERO VARIANCE$/i);
    expect(await page.getByTestId('decision-reasons').innerText()).toMatch(/insufficient evidence|fewer than/i);
    await screenshot(page, 'gate-decision');
  });
});
