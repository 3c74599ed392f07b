import type { Context } from 'hono';
import type { z } from 'zod';
import { invalid, type DomainError } from '../errors.js';

/** Parses a request's query string with a zod schema; a bad or unknown parameter is a 400 naming it. */
export function parseQuery<S extends z.ZodType>(schema: S, c: Context): z.infer<S> {
  return parseWith(schema, c.req.query(), 'query parameter');
}

export async function parseJsonBody<S extends z.ZodType>(schema: S, c: Context): Promise<z.infer<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw invalid('request body must be valid JSON', 'invalid_json');
  }
  return parseWith(schema, body, 'field');
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw invalidRequest(result.error, what);
}

/** The 400 for a failed parse, naming the bad or unknown parameter (also used by OpenAPI route validation). */
export function invalidRequest(error: z.ZodError, what: string): DomainError {
  const issue = error.issues[0];
  const path = issue?.path.join('.') ?? '';
  const keys = issue && 'keys' in issue && Array.isArray(issue.keys) ? issue.keys.join(', ') : '';
  const subject = keys ? `unknown ${what} ${keys}` : path ? `${what} "${path}": ${issue?.message}` : `${issue?.message}`;
  return invalid(subject, 'invalid_request');
}
