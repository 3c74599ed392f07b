/**
 * GET /openapi.json: the OpenAPI 3.1 document of the whole service. Routes
 * declared with createRoute on an OpenAPIHono sub-app are merged into the
 * top-level registry when the sub-app is mounted (app.route), so later
 * endpoints appear without a change here; the routes that are not zod
 * routes (OTLP ingest, health, metrics) are described here by hand.
 */
import { type Hook, type OpenAPIHono, z } from '@hono/zod-openapi';
import pkg from '../package.json' with { type: 'json' };
import type { AppEnv } from '../auth.js';
import { invalidRequest } from './validate.js';

/** A failed request validation is a 400 naming the bad or unknown parameter, like parseQuery. */
export const validationHook: Hook<unknown, AppEnv, string, undefined> = (result) => {
  if (!result.success) throw invalidRequest(result.error, result.target === 'query' ? 'query parameter' : 'field');
  return undefined;
};

const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
const otlpBody = {
  'application/x-protobuf': { schema: { type: 'string' as const, format: 'binary' } },
  'application/json': { schema: { type: 'object' as const } },
};

function documentOtlp(app: OpenAPIHono<AppEnv>, signal: 'traces' | 'logs', what: string): void {
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: `/v1/${signal}`,
    summary: `OTLP/HTTP ${signal} export: ${what}`,
    description:
      'Body: an OTLP Export' +
      (signal === 'traces' ? 'TraceServiceRequest' : 'LogsServiceRequest') +
      ', protobuf or JSON, optionally gzip (Content-Encoding). The reply uses the request content type.',
    security: [{ bearer: [] }],
    request: { body: { content: otlpBody, required: true } },
    responses: {
      200: { description: 'accepted; partial_success names rejected items', content: otlpBody },
      400: { description: 'undecodable body', content: json(ErrorBody) },
      401: { description: 'missing or invalid API key', content: json(ErrorBody) },
      413: { description: 'body too large', content: json(ErrorBody) },
      415: { description: 'unsupported content type', content: json(ErrorBody) },
      429: { description: 'too many requests in flight; retry after Retry-After', content: json(ErrorBody) },
      503: { description: 'the store is unavailable; retry after Retry-After', content: json(ErrorBody) },
    },
  });
}

/** Describes the hand-written routes and serves the document at GET /openapi.json. */
export function serveOpenApi(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key from EVALTRACE_API_KEYS; not needed when that is unset',
  });
  documentOtlp(app, 'traces', 'spans of LLM tasks and judge evaluations');
  documentOtlp(app, 'logs', 'gen_ai.evaluation.result events');
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness',
    responses: { 200: { description: 'the process serves requests', content: json(z.object({ status: z.literal('ok') })) } },
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: the store answers',
    responses: {
      200: { description: 'ready', content: json(z.object({ status: z.literal('ready'), store: z.enum(['embedded', 'server']) })) },
      503: { description: 'the store does not answer', content: json(ErrorBody) },
    },
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics (text exposition format 0.0.4)',
    responses: { 200: { description: 'metrics', content: { 'text/plain': { schema: { type: 'string' } } } } },
  });
  app.doc31('/openapi.json', (c) => ({
    openapi: '3.1.0',
    info: {
      title: 'evaltrace collector',
      version: pkg.version,
      description: 'OTLP ingest of LLM evaluation traces and the quality / cost analytics over them. JSON keys are snake_case; errors are { error: { code, message } }.',
    },
    servers: [{ url: new URL(c.req.url).origin }],
  }));
}
