import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { gotoView, launchBrowser, openPage, screenshot, tableRows } from '../helpers/browser.js';
import { startTestCollector } from '../helpers/collector.js';

/** Datasets pages over versions uploaded through the real API; expectations follow from the uploads alone. */
const V1 = Array.from({ length: 130 }, (_, i) => ({ id: `q${String(i).padStart(3, '0')}`, input: `question ${i}`, expected: `answer ${i}` }));
const V2 = [...V1.slice(1, 129).map((x) => (x.id === 'q005' ? { ...x, input: 'question five, reworded' } : x)), { id: 'q200', input: 'a new question', expected: 'new' }];

describe('dataset pages in a real browser', () => {
  let collector: RunningCollector;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let hashes: Record<string, string>;

  beforeAll(async () => {
    collector = await startTestCollector();
    hashes = {};
    for (const [label, items] of [['v1', V1], ['v2', V2]] as const) {
      const res = await fetch(`${collector.url}/api/datasets/support-qa/versions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ label, items }) });
      expect(res.status).toBe(201);
      hashes[label] = ((await res.json()) as { content_hash: string }).content_hash;
    }
    browser = await launchBrowser();
    ({ page, problems } = await openPage(browser, collector.url));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await collector?.close();
  });

  it('lists each dataset with its version count and latest version', async () => {
    await gotoView(page, collector.url, '#/datasets');
    expect(await tableRows(page, 'datasets')).toEqual([{ dataset: 'support-qa', versions: '2', latest: 'v2', items: String(V2.length), created: expect.any(String) }]);
  });

  it("shows a dataset's versions with their content hashes and pages through the chosen version's items", async () => {
    await page.click('table[data-testid="datasets"] a');
    await page.waitForFunction(() => document.getElementById('view')?.dataset.rendered === location.hash && location.hash.startsWith('#/datasets/support-qa'));
    const versions = await tableRows(page, 'versions');
    expect(versions.map((v) => [v.version, v.content_hash, v.items])).toEqual([
      ['v2', hashes.v2, String(V2.length)],
      ['v1', hashes.v1, String(V1.length)],
    ]);
    await gotoView(page, collector.url, '#/datasets/support-qa?version=v1');
    const first = await tableRows(page, 'items');
    expect(first).toHaveLength(100);
    expect(first[0]).toMatchObject({ id: 'q000', input: 'question 0', expected: 'answer 0' });
    await page.click('[data-testid="next-page"]');
    await page.waitForFunction(() => location.hash.includes('offset=100') && document.getElementById('view')?.dataset.rendered === location.hash);
    expect((await tableRows(page, 'items')).map((r) => r.id)).toEqual(V1.slice(100).map((x) => x.id));
    await screenshot(page, 'dataset');
  });

  it('diffs two versions: added, removed and changed items, with both inputs of a changed one', async () => {
    await gotoView(page, collector.url, '#/datasets/support-qa/diff?from=v1&to=v2');
    expect((await tableRows(page, 'added')).map((r) => r.id)).toEqual(['q200']);
    expect((await tableRows(page, 'removed')).map((r) => r.id)).toEqual(['q000', 'q129']);
    expect(await tableRows(page, 'changed')).toEqual([{ id: 'q005', from: 'question 5', to: 'question five, reworded', expected: 'answer 5 → answer 5' }]);
    expect(problems).toEqual([]);
  });

  it('says so when a version does not exist, without breaking the page', async () => {
    await gotoView(page, collector.url, '#/datasets/support-qa/diff?from=v1&to=v9');
    expect(await page.locator('[role="alert"]').innerText()).toContain('has no version v9');
  });
});
