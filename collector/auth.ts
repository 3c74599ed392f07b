import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { DomainError } from './errors.js';

export const DEFAULT_PROJECT = 'default';

export type AppEnv = { Variables: { project: string } };

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Bearer-key auth: the project that `Authorization: Bearer <key>` (an HTTP
 * header or gRPC metadata) belongs to, null for none. Keys are compared as
 * SHA-256 digests with timingSafeEqual against every configured key, so
 * timing reveals neither which key nor how much of it matched; unknown and
 * malformed keys get the same answer.
 */
export function projectResolver(apiKeys: Map<string, string> | null): (authorization: string | undefined) => string | null {
  const known = apiKeys ? [...apiKeys].map(([key, project]) => ({ hash: digest(key), project })) : null;
  return (authorization) => {
    if (!known) return DEFAULT_PROJECT;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    const presented = digest(match?.[1] ?? '');
    let project: string | null = null;
    for (const k of known) if (timingSafeEqual(k.hash, presented)) project = k.project;
    return project;
  };
}

/** The HTTP form: a request without a known key gets 401; the project goes into the context. */
export function authenticate(apiKeys: Map<string, string> | null): MiddlewareHandler<AppEnv> {
  const resolve = projectResolver(apiKeys);
  return async (c, next) => {
    const project = resolve(c.req.header('authorization'));
    if (project === null) throw new DomainError('unauthenticated', 'unauthorized', 'missing or invalid API key (Authorization: Bearer <key>)');
    c.set('project', project);
    return next();
  };
}
