import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { firstLine, gotoView, launchBrowser, openPage, screenshot, secondLine, shownNumber, tableRows, waitForView } from '../helpers/browser.js';
import { startTestCollector } from '../helpers/collector.js';
import {
  answerOf,
  expectedJudgeComparison,
  explanationOf,
  planDashboard,
  questionOf,
  sendDashboardJudgements,
  sendDashboardTasks,
  taskStartMs,
} from '../helpers/dashboard-data.js';
import { makeSender } from '../helpers/otel.js';
import { expectedTriples } from '../helpers/scenario.js';

/** |shown − expected| within half a unit of the last digit shown, relative for 3-significant-digit costs. */
function expectShownCost(text: string, expected: number | null) {
  const shown = shownNumber(text);
  if (expected === null) return expect(shown, text).toBeNull();
  expect(Math.abs(shown! - expected) / expected, `${text} vs ${expected}`).toBeLessThanOrEqual(0.005);
}
const expectShown = (text: string, expected: number, halfUnit: number) => expect(Math.abs(shownNumber(text)! - expected), `${text} vs ${expected}`).toBeLessThanOrEqual(halfUnit + 1e-12);

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('web dashboard over held-out data, in a real browser', () => {
  let collector: RunningCollector;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  const tasks = planDashboard();

  beforeAll(async () => {
    collector = await startTestCollector();
    const sender = makeSender({ url: collector.url, encoding: 'protobuf', gzip: true, batch: true });
    const roots = await sendDashboardTasks(sender, tasks);
    await sendDashboardJudgements(sender, roots, tasks, 'j1');
    await sendDashboardJudgements(sender, roots, tasks, 'j2');
    await sender.shutdown();
    browser = await launchBrowser();
    ({ page, problems } = await openPage(browser, collector.url));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await collector?.close();
  });

  it('shows every triple with its traces, success, cost per success and judge score computed from the plan', async () => {
    await gotoView(page, collector.url, '#/triples');
    const expected = expectedTriples(tasks, ['j1', 'j2']);
    const rows = await tableRows(page, 'triples');
    expect(rows).toHaveLength(expected.length);
    for (const e of expected) {
      const [dataset, dv, model, prompt, pv] = e.key.split('|');
      const row = rows.find((r) => r.dataset === `${dataset}@${dv}` && r.model === model && r.prompt === `${prompt}@${pv}`);
      expect(row, e.key).toBeDefined();
      expect(shownNumber(row!.n_traces!)).toBe(e.n_traces);
      expect(secondLine(row!.success_rate!)).toBe(`${e.n_success} of ${e.n_traces}`);
      expectShownCost(row!.cost_per_success!, e.cost_per_success);
      // With no judge named, the first judge version (j1) is shown.
      const j1 = e.judges.find((j) => j.judge_version === 'j1')!;
      expectShown(firstLine(row!.score!), j1.score_mean, 0.0005);
      expectShown(firstLine(row!.pass_rate!), j1.pass_rate * 100, 0.05);
      const ci = secondLine(row!.score!);
      const [lo, hi] = /\[([^\]]+)\]/.exec(ci)![1]!.split(', ').map(Number);
      expect(lo).toBeLessThanOrEqual(j1.score_mean);
      expect(hi).toBeGreaterThanOrEqual(j1.score_mean);
      // Fewer than 10 scores: the interval is tagged, never shown bare.
      if (j1.n_scored < 10) expect(ci.toLowerCase()).toContain('low n');
      else expect(ci.toLowerCase()).not.toContain('low n');
    }
    expect(await page.getByTestId('tile-triples').innerText()).toContain(String(expected.length));
    expect(await page.getByTestId('tile-traces').innerText()).toContain(String(tasks.length));
    // One bar with a CI whisker per triple in the score chart.
    expect(await page.locator('.card', { hasText: 'Mean score' }).locator('g.bar-row .whisker').count()).toBe(expected.length);
    await screenshot(page, 'triples');
  });

  it('narrows the triples with filters kept in the URL, switches the judge score and sorts by cost per success', async () => {
    await gotoView(page, collector.url, '#/triples');
    await page.selectOption('select[data-filter="model"]', 'gpt-4o-mini');
    await waitForView(page);
    expect(page.url()).toContain('model=gpt-4o-mini');
    const mini = expectedTriples(tasks.filter((t) => t.model === 'gpt-4o-mini'), ['j2']);
    let rows = await tableRows(page, 'triples');
    expect(rows.map((r) => r.model)).toEqual(mini.map(() => 'gpt-4o-mini'));

    const j2 = (await page.locator('select[data-filter="score_by"] option').allTextContents()).find((o) => o.includes('@j2'))!;
    await page.selectOption('select[data-filter="score_by"]', { label: j2 });
    await waitForView(page);
    expect(page.url()).toContain('judge_version=j2');
    expect(page.url()).toContain('model=gpt-4o-mini');
    rows = await tableRows(page, 'triples');
    for (const e of mini) {
      const [, dv, , , pv] = e.key.split('|');
      const row = rows.find((r) => r.dataset === `support-qa@${dv}` && r.prompt === `answer@${pv}`)!;
      expectShown(firstLine(row.score!), e.judges[0]!.score_mean, 0.0005);
    }

    await page.locator('table[data-testid="triples"] th a', { hasText: 'Cost / success' }).click();
    await waitForView(page);
    expect(page.url()).toContain('sort=cost_per_success');
    rows = await tableRows(page, 'triples');
    const shown = rows.map((r) => shownNumber(r.cost_per_success!)!);
    expect(shown).toEqual([...shown].sort((a, b) => a - b));
    expect(shown).toHaveLength(mini.length);
  });

  it('lists one triple’s traces and opens a trace with its span tree, versions, captured content and both evaluations', async () => {
    await gotoView(page, collector.url, '#/triples?model=claude-sonnet-4-5-20250929&dataset_version=2026-10&prompt_version=v2');
    await page.locator('table[data-testid="triples"] a[href^="#/traces?"]').click();
    await waitForView(page);
    const group = tasks.filter((t) => t.model === 'claude-sonnet-4-5-20250929' && t.datasetVersion === '2026-10' && t.promptVersion === 'v2');
    const listed = await tableRows(page, 'traces');
    expect(listed.map((r) => r.example_id).sort()).toEqual(group.map((t) => t.exampleId).sort());
    await screenshot(page, 'traces');

    const example = listed[0]!.example_id!;
    const task = group.find((t) => t.exampleId === example)!;
    await page.locator('table[data-testid="traces"] tbody tr', { hasText: example }).locator('a').first().click();
    await waitForView(page);
    expect(page.url()).toMatch(/#\/traces\/[0-9a-f]{32}$/);
    const facts = await page.getByTestId('trace-facts').innerText();
    expect(facts).toContain(example);
    expect(facts).toContain('answer@v2');
    expect(facts).toContain('support-qa@2026-10');
    const tokensIn = task.calls.reduce((a, c) => a + c.input, 0);
    const tokensOut = task.calls.reduce((a, c) => a + c.output, 0);
    expect(facts).toContain(`${tokensIn.toLocaleString('en-US')} / ${tokensOut.toLocaleString('en-US')}`);
    expect(await page.getByTestId('trace-input').innerText()).toContain(questionOf(task));
    expect(await page.getByTestId('trace-output').innerText()).toBe(answerOf(task));
    // Root task, a tool call and one span per LLM call, each with a timeline bar.
    expect(await page.locator('[data-testid="span-tree"] tr.span-row').count()).toBe(2 + task.calls.length);
    expect(await page.locator('[data-testid="span-tree"] tr.span-row .span-bar.llm').count()).toBe(task.calls.length);
    await page.locator('.span-toggle', { hasText: 'lookup' }).click();
    await expect.poll(() => page.locator('tr.span-detail-row:not([hidden])').innerText()).toContain('tool.name');
    const evaluations = await tableRows(page, 'evaluations');
    expect(evaluations.map((e) => e.explanation).sort()).toEqual([explanationOf(task, 'j1'), explanationOf(task, 'j2')]);
    await screenshot(page, 'trace');
  });

  it('compares judge versions: agreement, kappa, confusion matrix and every disagreement with both explanations', async () => {
    await gotoView(page, collector.url, '#/compare/judges');
    const e = expectedJudgeComparison(tasks, 'j1', 'j2');
    expect(e.disagreements.length).toBeGreaterThan(0);
    expect(await page.getByTestId('tile-n').innerText()).toContain(String(e.n));
    expectShown(firstLine((await page.getByTestId('tile-agreement').innerText()).split('\n').slice(1).join('\n')), e.agreement * 100, 0.05);
    expectShown((await page.getByTestId('tile-kappa').innerText()).split('\n')[1]!, e.kappa, 0.0005);
    const cell = (row: string, col: string) => page.locator(`svg.matrix g.cell[data-row="${row}"][data-col="${col}"] text.count`).textContent();
    expect(await cell('pass', 'pass')).toBe(String(e.confusion.pass_pass));
    expect(await cell('pass', 'fail')).toBe(String(e.confusion.pass_fail));
    expect(await cell('fail', 'pass')).toBe(String(e.confusion.fail_pass));
    expect(await cell('fail', 'fail')).toBe(String(e.confusion.fail_fail));

    const rows = await tableRows(page, 'disagreements');
    expect(rows).toHaveLength(e.disagreements.length);
    for (const t of e.disagreements) {
      const row = rows.find((r) => r.a!.includes(explanationOf(t, 'j1')));
      expect(row, explanationOf(t, 'j1')).toBeDefined();
      expect(row!.b).toContain(explanationOf(t, 'j2'));
      expect(row!.task).toContain(`example ${t.exampleId}`);
    }
    await screenshot(page, 'compare-judges');

    // Click through from a disagreement to the trace it is about.
    const t = e.disagreements[0]!;
    await page.locator('table[data-testid="disagreements"] tbody tr', { hasText: explanationOf(t, 'j1') }).locator('a').first().click();
    await waitForView(page);
    expect(page.url()).toMatch(/#\/traces\/[0-9a-f]{32}$/);
    const facts = await page.getByTestId('trace-facts').innerText();
    expect(facts).toContain(t.exampleId);
    expect(facts).toContain(t.model);
    expect(facts).toContain(`support-qa@${t.datasetVersion}`);
    const evaluations = await tableRows(page, 'evaluations');
    expect(evaluations.map((x) => x.explanation).sort()).toEqual([explanationOf(t, 'j1'), explanationOf(t, 'j2')]);
  });

  it('shows when each prompt version ran and its rows per model and dataset version', async () => {
    await gotoView(page, collector.url, '#/prompts');
    const rows = await tableRows(page, 'prompt-versions');
    expect(rows).toHaveLength(expectedTriples(tasks, []).length);
    for (const version of ['v1', 'v2']) {
      const idx = tasks.map((t, i) => [t, i] as const).filter(([t]) => t.promptVersion === version && t.model === 'gpt-4o-mini' && t.datasetVersion === '2026-09');
      const row = rows.find((r) => r.row === `2026-09 · gpt-4o-mini · ${version}`)!;
      expect(shownNumber(row.n_traces!)).toBe(idx.length);
      expect(row.first_seen).toBe(new Date(taskStartMs(idx[0]![1])).toISOString().slice(0, 19).replace('T', ' '));
      expect(row.last_seen).toBe(new Date(taskStartMs(idx.at(-1)![1])).toISOString().slice(0, 19).replace('T', ' '));
    }
    // Two versions in use, each a line over time.
    expect(await page.locator('g.range-row').count()).toBe(2);
    expect(await page.locator('g.series').count()).toBe(2);
    await screenshot(page, 'prompts');
  });

  it('compares prompt versions per model with paired score deltas computed from the plan', async () => {
    await gotoView(page, collector.url, '#/compare/prompts?judge=helpfulness-judge&judge_version=j1&evaluation=helpfulness');
    const rows = await tableRows(page, 'prompt-comparison');
    const models = [...new Set(tasks.map((t) => t.model))].sort();
    expect(rows.map((r) => r.model)).toEqual(models);
    for (const model of models) {
      const of = (v: string) => tasks.filter((t) => t.model === model && t.promptVersion === v).map((t) => t.scores.j1!);
      const [a, b] = [mean(of('v1')), mean(of('v2'))];
      const row = rows.find((r) => r.model === model)!;
      expect(firstLine(row.n_pairs!)).toBe(String(of('v1').length));
      expect(row.score).toBe(`${a.toFixed(3)} → ${b.toFixed(3)}`);
      expectShown(firstLine(row.score_delta!), b - a, 0.0005);
      const passRate = (v: string) => of(v).filter((x) => x >= 0.5).length / of(v).length;
      const [shownA, shownB] = row.pass!.split(' → ');
      expectShown(shownA!, passRate('v1') * 100, 0.05);
      expectShown(shownB!, passRate('v2') * 100, 0.05);
    }
    expect(await page.locator('.forest-row').count()).toBeGreaterThanOrEqual(models.length * 2);
    await screenshot(page, 'compare-prompts');
  });

  it('loaded every page without script errors, CSP violations or requests outside the collector', () => {
    expect(problems).toEqual([]);
  });
});
