import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { HttpError } from './errors.js';

export const DEFAULT_PROJECT = 'default';

export type AppEnv = { Variables: { project: string } };

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Bearer-key auth. Keys are compared as SHA-256 digests with timingSafeEqual
 * against every configured key, so timing reveals neither which key nor how
 * much of it matched; unknown and malformed keys get the same 401.
 */
export function authenticate(apiKeys: Map<string, string> | null): MiddlewareHandler<AppEnv> {
  const known = apiKeys ? [...apiKeys].map(([key, project]) => ({ hash: digest(key), project })) : null;
  return async (c, next) => {
    if (!known) {
      c.set('project', DEFAULT_PROJECT);
      return next();
    }
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const presented = digest(match?.[1] ?? '');
    let project: string | null = null;
    for (const k of known) if (timingSafeEqual(k.hash, presented)) project = k.project;
    if (project === null) throw new HttpError(401, 'unauthorized', 'missing or invalid API key (Authorization: Bearer <key>)');
    c.set('project', project);
    return next();
  };
}
