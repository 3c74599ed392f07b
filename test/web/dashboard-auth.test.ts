import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { gotoView, launchBrowser, openPage, screenshot, tableRows, waitForView } from '../helpers/browser.js';
import { startTestCollector } from '../helpers/collector.js';
import { makeSender } from '../helpers/otel.js';
import { expectedTriples, planTasks, sendTasks } from '../helpers/scenario.js';

const KEY_A = 'dash-key-a-7f3a91';
const KEY_B = 'dash-key-b-0c42d8';

describe('web dashboard on a collector with API keys', () => {
  let collector: RunningCollector;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  const teamA = planTasks(41, { examples: 2, datasetVersion: 'team-a' });
  const teamB = planTasks(42, { examples: 1, datasetVersion: 'team-b' });

  beforeAll(async () => {
    collector = await startTestCollector({ env: { EVALTRACE_API_KEYS: `${KEY_A}:project-a,${KEY_B}:project-b` } });
    for (const [key, tasks] of [
      [KEY_A, teamA],
      [KEY_B, teamB],
    ] as const) {
      const sender = makeSender({ url: collector.url, encoding: 'json', gzip: false, batch: true, headers: { authorization: `Bearer ${key}` } });
      await sendTasks(sender, tasks);
      await sender.shutdown();
    }
    browser = await launchBrowser();
    ({ page, problems } = await openPage(browser, collector.url));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await collector?.close();
  });

  it('serves the page and its modules without a key, while /api answers 401', async () => {
    expect((await fetch(`${collector.url}/`)).status).toBe(200);
    expect((await fetch(`${collector.url}/ui/app.js`)).status).toBe(200);
    expect((await fetch(`${collector.url}/api/triples`)).status).toBe(401);
  });

  it('asks for a key, says when it is refused, then shows only the key’s project', async () => {
    await page.goto(`${collector.url}/#/triples`);
    const dialog = page.locator('#key-dialog');
    await dialog.locator('input').waitFor({ state: 'visible' });
    expect(await dialog.locator('.key-error').isVisible()).toBe(false);
    await screenshot(page, 'api-key');

    await dialog.locator('input').fill('not-a-key');
    await dialog.locator('button[type="submit"]').click();
    await dialog.locator('.key-error').waitFor({ state: 'visible' });

    await dialog.locator('input').fill(KEY_A);
    await dialog.locator('button[type="submit"]').click();
    await waitForView(page);
    expect(await dialog.isVisible()).toBe(false);
    const rows = await tableRows(page, 'triples');
    expect(rows).toHaveLength(expectedTriples(teamA, []).length);
    expect(rows.every((r) => r.dataset === 'support-qa@team-a')).toBe(true);
    expect(await page.evaluate(() => sessionStorage.getItem('evaltrace.api_key'))).toBe(KEY_A);
  });

  it('keeps the key for the tab, so other views load without asking, until it is forgotten', async () => {
    await gotoView(page, collector.url, '#/traces');
    expect(await page.locator('#key-dialog').isVisible()).toBe(false);
    expect(await tableRows(page, 'traces')).toHaveLength(teamA.length);

    await page.locator('#forget-key').click();
    await page.locator('#key-dialog input').waitFor({ state: 'visible' });
    await page.locator('#key-dialog input').fill(KEY_B);
    await page.locator('#key-dialog button[type="submit"]').click();
    await waitForView(page);
    expect(await tableRows(page, 'traces')).toHaveLength(teamB.length);
  });

  it('shows an error with a way back in when the reader dismisses the key dialog', async () => {
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(`${collector.url}/#/triples?model=gpt-4o-mini`);
    await page.locator('#key-dialog input').waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await waitForView(page);
    expect(await page.locator('#view').getAttribute('data-state')).toBe('error');
    expect(await page.locator('.error-box').innerText()).toContain('API key needed');
  });

  it('met no script error, CSP violation or outside request (the 401s are expected)', () => {
    expect(problems.filter((p) => !p.includes('status of 401'))).toEqual([]);
  });
});
