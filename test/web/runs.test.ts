import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { recordEvaluation, type Telemetry } from '../../src/index.js';
import { avg, sampleSd, T975 } from '../analytics/expected.js';
import { firstLine, gotoView, launchBrowser, openPage, screenshot, secondLine, shownNumber, tableRows, waitForView } from '../helpers/browser.js';
import { startTestCollector } from '../helpers/collector.js';
import { ITEMS, itemId, PLAN, perItem, REPEATS, sendRuns } from '../helpers/runs-plan.js';
import type { MockLlm } from '../sdk/helpers/mock-llm.js';

/** |shown − expected| within half a unit of the last digit shown. */
function expectShown(text: string, expected: number) {
  const t = text.replace(/[$,%\s]|pp|ms/g, '');
  const decimals = t.includes('.') ? t.split('.')[1]!.replace(/[^0-9].*$/, '').length : 0;
  expect(Math.abs(shownNumber(text)! - expected), `${text} vs ${expected}`).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-12);
}

const successRate = (run: keyof typeof PLAN) => Array.from({ length: ITEMS }, (_, i) => i).filter(PLAN[run].success).length / ITEMS;
const scores = (run: keyof typeof PLAN) => Array.from({ length: ITEMS }, (_, i) => [1, 2].map((r) => PLAN[run].score(i, r))).flat();

describe('runs pages in a real browser', () => {
  let collector: RunningCollector;
  let telemetry: Telemetry;
  let llm: MockLlm;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    collector = await startTestCollector();
    ({ telemetry, llm } = await sendRuns(collector.url, undefined));
    browser = await launchBrowser();
    ({ page, problems } = await openPage(browser, collector.url));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await telemetry?.shutdown();
    await llm?.close();
    await collector?.close();
  });

  it('lists the runs newest first with repeats, success, configuration and score from the plan', async () => {
    await gotoView(page, collector.url, '#/runs');
    const rows = await tableRows(page, 'runs');
    expect(rows.map((r) => r.run)).toEqual(['other', 'cand', 'base']);
    for (const name of ['base', 'cand'] as const) {
      const row = rows.find((r) => r.run === name)!;
      expect(row).toMatchObject({ dataset: 'support@d1', model: 'gpt-4o-mini', repeats: String(REPEATS), items: String(ITEMS), traces: String(ITEMS * REPEATS) });
      expectShown(row.success!, successRate(name) * 100);
      expect(secondLine(row.config!)).toContain(`temperature ${PLAN[name].temperature}`);
      expectShown(firstLine(row.score!), avg(scores(name)));
      expect(firstLine(row.config!)).toMatch(/^[0-9a-f]{8}$/);
      expect(row.code).toBe('abc123');
    }
    // With no pair in the URL the page offers the newest two runs that can be paired (same dataset version).
    expect(await page.locator('[data-testid="compare-runs"]').getAttribute('href')).toMatch(/^#\/compare\/runs\?a=base&b=cand&/);
    await screenshot(page, 'runs');
  });

  it('compares the runs picked as a and b: score delta with its t interval, and the most worsened item first', async () => {
    await gotoView(page, collector.url, '#/runs?a=cand&b=other');
    // Pick in the table's A and B columns; each pick lands in the URL.
    const pick = (side: 'a' | 'b', run: string) => page.locator(`table[data-testid="runs"] input[data-testid="pick-${side}"][value="${run}"]`);
    await pick('a', 'base').check();
    await page.waitForFunction(() => location.hash.includes('a=base'));
    await waitForView(page);
    await pick('b', 'cand').check();
    await page.waitForFunction(() => location.hash.includes('b=cand'));
    await waitForView(page);
    expect(await pick('a', 'base').isChecked()).toBe(true);
    expect(await pick('b', 'cand').isChecked()).toBe(true);
    await page.click('[data-testid="compare-runs"]');
    await waitForView(page);
    expect(page.url()).toContain('#/compare/runs?a=base&b=cand');
    expect(page.url()).toContain('judge=grader');
    const d = perItem((i, r) => PLAN.cand.score(i, r) - PLAN.base.score(i, r));
    const half = (T975[ITEMS - 1]! * sampleSd(d)) / Math.sqrt(ITEMS);
    const tile = await page.locator('[data-testid="tile-score"]').innerText();
    expectShown(tile.split('\n')[1]!, avg(d));
    const ci = /\[([^,]+), ([^\]]+)\]/.exec(tile)!;
    expectShown(ci[1]!, avg(d) - half);
    expectShown(ci[2]!, avg(d) + half);
    const pairs = await page.locator('[data-testid="tile-pairs"]').innerText();
    expect(pairs).toContain(String(ITEMS));
    expect(pairs).toContain('0 unpaired');
    // Success per item, repeats averaged: cand − base.
    const ds = perItem((i) => Number(PLAN.cand.success(i)) - Number(PLAN.base.success(i)));
    expectShown(firstLine(await page.locator('[data-testid="tile-success"] .tile-value').innerText()), avg(ds) * 100);
    const worst = d.map((x, i) => ({ x, id: itemId(i) })).sort((p, q) => Math.round(p.x * 1e9) - Math.round(q.x * 1e9) || (p.id < q.id ? -1 : 1));
    const items = await tableRows(page, 'run-items');
    expect(items.map((r) => r.example)).toEqual(worst.map((w) => w.id));
    expectShown(items[0]!.delta!, worst[0]!.x);
    expect(items[0]!.output_a).toContain('question');
    expect(items[0]!.output_b).toContain('question');
    expectShown(items[0]!.a!, avg([PLAN.base.score(Number(worst[0]!.id.slice(1)), 1), PLAN.base.score(Number(worst[0]!.id.slice(1)), 2)]));
    const links = await page.locator('table[data-testid="run-items"] tbody tr').first().locator('a[href^="#/traces/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toHaveLength(2);
    expect(links[0]).not.toBe(links[1]);
    await screenshot(page, 'compare-runs');
  });

  it('shows one run with its configuration, envelope and items', async () => {
    await gotoView(page, collector.url, '#/runs/base');
    expectShown(await page.locator('[data-testid="tile-success"] .tile-value').innerText(), successRate('base') * 100);
    expect((await tableRows(page, 'configs'))[0]).toMatchObject({ model: 'gpt-4o-mini', traces: String(ITEMS * REPEATS) });
    expect(await page.locator('[data-testid="envelope"]').innerText()).toContain('abc123');
    const items = await tableRows(page, 'run-items');
    expect(items.map((r) => r.example)).toEqual(Array.from({ length: ITEMS }, (_, i) => itemId(i)));
    expectShown(items[2]!.score!, avg([PLAN.base.score(2, 1), PLAN.base.score(2, 2)]));
    expect(problems).toEqual([]);
  });

  it('explains why runs over different dataset versions are not compared', async () => {
    await gotoView(page, collector.url, '#/compare/runs?a=base&b=other');
    const refusal = await page.locator('[data-testid="refusal"]').innerText();
    expect(refusal).toContain('cannot be paired');
    expect(refusal).toContain('support@d2');
  });

  it('says which run is missing instead of failing the page', async () => {
    await gotoView(page, collector.url, '#/compare/runs?a=base&b=nosuch');
    const refusal = await page.locator('[data-testid="refusal"]').innerText();
    expect(refusal).toContain('Run not found');
    expect(refusal).toContain('nosuch');
    expect(await page.locator('#view').getAttribute('data-state')).toBe('ready');
  });

  it('refuses a score neither run carries and offers the scores they do carry', async () => {
    await gotoView(page, collector.url, '#/compare/runs?a=base&b=cand&judge=nope');
    expect(await page.locator('[data-testid="refusal"]').innerText()).toContain('Score by');
    const select = page.locator('select[data-filter="score_by"]');
    const options = await select.locator('option').allInnerTexts();
    expect(options).toContain('grader@g1 · quality');
    await select.selectOption({ label: 'grader@g1 · quality' });
    await page.waitForFunction(() => location.hash.includes('judge=grader'));
    await waitForView(page);
    const d = perItem((i, r) => PLAN.cand.score(i, r) - PLAN.base.score(i, r));
    expectShown((await page.locator('[data-testid="tile-score"]').innerText()).split('\n')[1]!, avg(d));
  });

  it('records a person\'s label from the trace page as an evaluation of judge human, version the annotator', async () => {
    // The refusal above logged its 409 in the console, as browsers do for any failed fetch.
    problems.length = 0;
    const { traces } = (await (await fetch(`${collector.url}/api/traces?run=base&limit=1`)).json()) as { traces: Array<{ trace_id: string }> };
    await gotoView(page, collector.url, `#/traces/${traces[0]!.trace_id}`);
    const before = (await tableRows(page, 'evaluations')).length;
    const form = page.locator('[data-testid="annotation-form"]');
    await form.locator('input[name="annotator"]').fill('carol');
    await form.locator('select[name="label"]').selectOption('pass');
    await form.locator('textarea[name="comment"]').fill('reads well');
    await form.locator('button[type="submit"]').click();
    await page.waitForFunction((n) => document.querySelectorAll('table[data-testid="evaluations"] tbody tr').length === n + 1, before);
    const human = (await tableRows(page, 'evaluations')).find((r) => r.judge === 'human@carol');
    expect(human).toMatchObject({ evaluation: 'quality', label: 'pass', explanation: 'reads well' });
    // The next label starts with the annotator filled in.
    expect(await page.locator('[data-testid="annotation-form"] input[name="annotator"]').inputValue()).toBe('carol');
    expect(problems).toEqual([]);
  });

  it('walks the labelling queue: one unlabelled trace at a time, the next after each label', async () => {
    const queue = async () => ((await (await fetch(`${collector.url}/api/annotations/queue?annotator=dave&run=cand&limit=1000`)).json()) as { traces: unknown[] }).traces.length;
    expect(await queue()).toBe(ITEMS * REPEATS);
    await gotoView(page, collector.url, '#/label?run=cand&annotator=dave');
    const first = await page.locator('[data-testid="queue-trace"]').getAttribute('href');
    expect(await page.locator('[data-testid="queue-input"]').innerText()).toMatch(/^question \d+$/);
    await page.locator('[data-testid="annotation-form"] select[name="label"]').selectOption('fail');
    await page.locator('[data-testid="annotation-form"] button[type="submit"]').click();
    await page.waitForFunction((prev) => document.querySelector('[data-testid="queue-trace"]')?.getAttribute('href') !== prev, first);
    expect(await queue()).toBe(ITEMS * REPEATS - 1);
  });

  it('shows which judge version agrees best with a person, with the numbers the API gives and the reason a version is not ranked', async () => {
    const { traces } = (await (await fetch(`${collector.url}/api/traces?run=cand&limit=1000`)).json()) as { traces: Array<{ trace_id: string; span_id: string; example_id: string }> };
    for (const t of traces) {
      const res = await fetch(`${collector.url}/api/annotations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ trace_id: t.trace_id, annotator: 'erin', label: Number(t.example_id.slice(1)) < 5 ? 'pass' : 'fail' }),
      });
      expect(res.status).toBe(201);
    }
    for (const t of traces.slice(0, 2)) recordEvaluation({ target: { traceId: t.trace_id, spanId: t.span_id }, judge: { name: 'grader', version: 'g2' }, score: 1, label: 'pass' });
    await telemetry.flush();
    const api = (await (await fetch(`${collector.url}/api/judges/alignment?judge=grader&evaluation=quality&reference_version=erin&run=cand`)).json()) as any;
    expect(api.best).toBe('g1');

    await gotoView(page, collector.url, '#/alignment?judge=grader&evaluation=quality&reference_version=erin&run=cand');
    expect(await page.locator('[data-testid="tile-best"] .tile-value').innerText()).toBe('g1');
    const rows = await tableRows(page, 'alignment');
    expect(rows.map((r) => r.version!.replace(/\s+/g, ' '))).toEqual(['g1 agrees best', 'g2']);
    const g1 = api.versions[0];
    expectShown(rows[0]!.kappa!, g1.cohen_kappa);
    expectShown(rows[0]!.agreement!, g1.agreement * 100);
    expect(rows[0]!.n).toBe(String(g1.n_labeled));
    expect(rows[1]!.why).toContain('only 2 traces carry a pass/fail from both human erin and grader g2');
    expect(problems).toEqual([]);
    await screenshot(page, 'alignment');

    await page.locator('[data-version="g1"] a', { hasText: 'disagreements' }).click();
    await waitForView(page);
    expectShown(await page.locator('[data-testid="tile-kappa"] .tile-value').innerText(), g1.cohen_kappa);
  });
});
