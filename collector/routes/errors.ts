/** How the HTTP API answers a failure: design.md's `{ error: { code, message } }` body with the status the error's kind maps to. */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DomainError } from '../errors.js';
import { log } from '../logger.js';
import { StoreError } from '../store/errors.js';
import { HTTP_STATUS } from './http-status.js';

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/** app.onError: domain errors by kind, Hono's body-validator errors as 400/415, the store's as a retryable 503, the rest a 500 that is logged. */
export function answerError(err: Error, c: Context): Response {
  if (err instanceof DomainError) {
    if (err.retryAfterSeconds !== undefined) c.header('Retry-After', String(err.retryAfterSeconds));
    return c.json(errorBody(err.code, err.message), HTTP_STATUS[err.kind]);
  }
  // Hono's body validators: a malformed JSON body (400) or a body that is not JSON (415).
  if (err instanceof HTTPException && err.status < 500) {
    if (err.status === 415) return c.json(errorBody('unsupported_media_type', 'the request body must be JSON, sent with Content-Type: application/json'), 415);
    return c.json(errorBody('invalid_request', `request body: ${err.message}`), err.status);
  }
  if (err instanceof StoreError) {
    log.error(`store error on ${c.req.method} ${c.req.path}: ${err.message.slice(0, 500)}`);
    c.header('Retry-After', '2');
    return c.json(errorBody('store_unavailable', 'the store could not complete the request; retry later'), 503);
  }
  log.error(`internal error on ${c.req.method} ${c.req.path}:`, err);
  return c.json(errorBody('internal', 'internal error'), 500);
}
