import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_ROOT } from '../../collector/routes/web.js';
import type { RunningCollector } from '../../collector/server.js';
import { gotoView, launchBrowser, openPage } from '../helpers/browser.js';
import { startTestCollector } from '../helpers/collector.js';

/** A GET with the path sent exactly as written (fetch would normalise `..` away before sending). */
function rawGet(c: RunningCollector, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: c.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The page's files; type declarations (money.d.ts, for the TypeScript that shares money.js) are not served. */
function webFiles(dir = WEB_ROOT, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? webFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .filter((f) => !f.endsWith('.d.ts'));
}

describe('dashboard static files on a collector with no data yet', () => {
  let collector: RunningCollector;

  beforeAll(async () => {
    collector = await startTestCollector();
  });

  afterAll(async () => {
    await collector?.close();
  });

  it('serves the page at / with a strict Content-Security-Policy', async () => {
    const res = await fetch(`${collector.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<script type="module" src="/ui/app.js">');
  });

  it('does not serve the type declarations beside the modules', async () => {
    expect((await fetch(`${collector.url}/ui/money.d.ts`)).status).toBe(404);
  });

  it('serves every file of collector/web under /ui with its content type', async () => {
    const types: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml', html: 'text/html; charset=utf-8' };
    const files = webFiles();
    expect(files).toContain('app.js');
    for (const f of files) {
      const res = await fetch(`${collector.url}/ui/${f}`);
      expect(res.status, f).toBe(200);
      expect(res.headers.get('content-type'), f).toBe(types[f.split('.').pop()!]);
      expect(res.headers.get('content-security-policy'), f).toBeTruthy();
      expect(await res.text()).toBe(readFileSync(join(WEB_ROOT, f), 'utf8'));
    }
  });

  it('resolves every relative import of every module to a served file', async () => {
    for (const f of webFiles().filter((x) => x.endsWith('.js'))) {
      const source = readFileSync(join(WEB_ROOT, f), 'utf8');
      for (const [, spec] of source.matchAll(/^import [^;]*? from '([^']+)';$/gm)) {
        expect(spec, `${f} imports ${spec}`).toMatch(/^\.\.?\//);
        const url = new URL(spec!, `${collector.url}/ui/${f}`);
        expect((await fetch(url)).status, `${f} imports ${spec}`).toBe(200);
      }
    }
  });

  it.each([
    '/ui/../package.json',
    '/ui/%2e%2e/package.json',
    '/ui/..%2fpackage.json',
    '/ui/%2e%2e%2f%2e%2e%2fpackage.json',
    '/ui/views/..%2f..%2froutes/web.ts',
    '/ui/..%5c..%5cpackage.json',
    '/ui/.hidden.js',
    '/ui/views/',
    '/ui/',
    '/ui/app.ts',
    '/ui/missing.js',
  ])('answers %s with a 404 that reveals no file', async (path) => {
    const res = await rawGet(collector, path);
    expect(res.status).toBe(404);
    expect(res.type).toContain('application/json');
    expect(res.body).not.toContain('"name": "evaltrace"');
    expect(res.body).not.toContain('import');
  });

  it('builds the DOM without HTML strings, eval or inline handlers (what the CSP would refuse or XSS would need)', () => {
    for (const f of webFiles()) {
      const source = readFileSync(join(WEB_ROOT, f), 'utf8');
      expect(source, f).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function\(/);
      expect(source, f).not.toMatch(/<[a-z]+[^>]*\s(on[a-z]+|style)=/i);
      expect(source, f).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    }
  });

  it('renders every view with an empty state instead of failing, and an unknown trace as not found', async () => {
    const browser = await launchBrowser();
    try {
      const { page, problems } = await openPage(browser, collector.url);
      const views: Array<[string, string]> = [
        ['#/triples', 'No task traces yet'],
        ['#/traces', 'No trace matches'],
        ['#/prompts', 'No traces carry a prompt name'],
        ['#/compare/prompts', 'No traces carry a prompt name'],
        ['#/compare/judges', 'No judge has evaluated'],
        ['#/nowhere', 'No task traces yet'],
      ];
      for (const [hash, text] of views) {
        await gotoView(page, collector.url, hash);
        expect(await page.locator('#view').getAttribute('data-state'), hash).toBe('ready');
        expect(await page.locator('#view').innerText(), hash).toContain(text);
      }
      await gotoView(page, collector.url, `#/traces/${'ab'.repeat(16)}`);
      expect(await page.locator('#view').getAttribute('data-state')).toBe('error');
      expect(await page.locator('.error-box').innerText()).toContain('not found');
      expect(problems.filter((p) => !p.includes('status of 404'))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
