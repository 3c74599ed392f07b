import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { AppEnv } from '../auth.js';
import { notFound } from '../errors.js';

/** The dashboard's static files: plain ES modules and CSS, no build step. */
export const WEB_ROOT = fileURLToPath(new URL('../web/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * Same-origin scripts, styles, images and fetches only: no inline script or
 * style, no eval, no framing, no form posts elsewhere. The views build their
 * DOM with createElement and set styles through the CSSOM, which this allows.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-cache',
};

/** Lower-case names, slash-separated, one known extension: no dots elsewhere, so no `..`, no hidden files. */
const SAFE_PATH = /^[a-z0-9_-]+(?:\/[a-z0-9_-]+)*\.(?:html|js|css|svg)$/;

async function staticFile(relative: string): Promise<Response> {
  const type = CONTENT_TYPES[extname(relative)];
  const full = resolve(WEB_ROOT, relative);
  // SAFE_PATH already excludes traversal; the prefix check keeps it so if the pattern ever loosens.
  if (!SAFE_PATH.test(relative) || !type || !full.startsWith(WEB_ROOT.endsWith(sep) ? WEB_ROOT : WEB_ROOT + sep)) {
    throw notFound(`no dashboard file ${JSON.stringify(relative.slice(0, 100))}`);
  }
  let body: Buffer;
  try {
    body = await readFile(full);
  } catch {
    throw notFound(`no dashboard file ${JSON.stringify(relative.slice(0, 100))}`);
  }
  return new Response(new Uint8Array(body), { status: 200, headers: { 'content-type': type, ...SECURITY_HEADERS } });
}

/**
 * The web dashboard: `/` is the single page, `/ui/*` its modules and styles.
 * No auth here: the page holds no data; its /api fetches carry the key.
 */
export function webRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', () => staticFile('index.html'));
  app.get('/ui/*', (c) => staticFile(c.req.path.slice('/ui/'.length)));
  return app;
}
