import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { chromiumEnv, prepareChromium } from './chromium.js';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'screenshots');

/** The Chromium from @sparticuz/chromium (unpacked by the global setup), or EVALTRACE_CHROMIUM. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = await prepareChromium();
  return chromium.launch({ executablePath, args: ARGS, env: chromiumEnv(executablePath) });
}

/**
 * A page that records what should never happen: script errors, console
 * errors (CSP violations are reported there) and requests that leave the
 * collector's origin.
 */
export async function openPage(browser: Browser, origin: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(origin)) problems.push(`request outside the collector: ${r.url()}`);
  });
  return { page, problems };
}

/** Resolves once the view for the current URL has rendered (see app.js: data-state, data-rendered). */
export async function waitForView(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const v = document.getElementById('view');
    return v !== null && v.dataset.state !== 'loading' && v.dataset.rendered === location.hash;
  });
}

export async function gotoView(page: Page, origin: string, hash: string): Promise<void> {
  await page.goto(`${origin}/${hash}`);
  await waitForView(page);
}

/** Full-page PNG into test-output/screenshots/<name>.png (gitignored), for people to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // The sticky top bar belongs at the top of a full-page image.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** The rows of a data table as { column key: visible text }, read in one round trip. */
export function tableRows(page: Page, testid: string): Promise<Record<string, string>[]> {
  return page.locator(`table[data-testid="${testid}"] tbody tr`).evaluateAll((rows) =>
    rows.map((row) =>
      Object.fromEntries([...row.querySelectorAll('td[data-col]')].map((td) => [(td as HTMLElement).dataset.col, (td as HTMLElement).innerText.trim()])),
    ),
  );
}

/** A displayed number: "$0.00806", "1,234", "83.3%", "+0.170", "-1.2e-7"; null for a dash. */
export function shownNumber(text: string): number | null {
  const t = text.replace(/[$,%\s]|pp|ms/g, '').replace('−', '-');
  if (t === '—' || t === '') return null;
  const x = Number(t);
  if (!Number.isFinite(x)) throw new Error(`not a number on screen: ${JSON.stringify(text)}`);
  return x;
}

/** The first line of a stacked cell (value over detail). */
export const firstLine = (text: string) => text.split('\n')[0]!.trim();
export const secondLine = (text: string) => (text.split('\n')[1] ?? '').trim();
