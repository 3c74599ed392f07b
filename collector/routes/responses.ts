/** OpenAPI response pieces every route file declares the same way. */
import type { z } from '@hono/zod-openapi';
import { ErrorResponse } from '../contract/responses.js';

export const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ErrorResponse } } });

/** The 400 (described per route file), 401 and 503 that any API route may answer. */
export const commonErrors = (invalid: string) => ({
  400: errorResponse(invalid),
  401: errorResponse('missing or invalid API key (when EVALTRACE_API_KEYS is set)'),
  503: errorResponse('the store could not answer; retry later'),
});

export const jsonResponse = <S extends z.ZodType>(description: string, schema: S) => ({ description, content: { 'application/json': { schema } } });

export const SECURITY = [{ bearer: [] }];
