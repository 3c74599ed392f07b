/** The one map from a domain error's kind to its HTTP status; app.onError answers with it. */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorKind } from '../errors.js';

export const HTTP_STATUS: Record<ErrorKind, ContentfulStatusCode> = {
  invalid: 400,
  unauthenticated: 401,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  overloaded: 429,
  unavailable: 503,
};
