import { Hono } from 'hono';
import type { AppEnv } from '../auth.js';
import { DomainError } from '../errors.js';
import type { IngestResult, IngestService } from '../ingest/service.js';
import type { Metrics } from '../metrics.js';
import { readBody } from '../otlp/body.js';
import type { Encoding } from '../otlp/decode.js';
import { encodeExportResponse, exportResponse, type Signal } from '../otlp/response.js';

const CONTENT_TYPES: Record<string, Encoding> = {
  'application/x-protobuf': 'protobuf',
  'application/protobuf': 'protobuf',
  'application/json': 'json',
};

function encodingOf(contentType: string | undefined): { encoding: Encoding; mime: string } {
  const mime = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const encoding = CONTENT_TYPES[mime];
  if (!encoding) {
    throw new DomainError('unsupported_media_type', 'unsupported_media_type', `Content-Type "${mime}" is not supported; use application/x-protobuf or application/json`);
  }
  return { encoding, mime };
}

/** The OTLP/HTTP success reply, encoded like the request (the spec requires the same content type). */
function reply(signal: Signal, result: IngestResult, encoding: Encoding, mime: string): Response {
  if (encoding === 'json') {
    return new Response(JSON.stringify(exportResponse(signal, result)), { status: 200, headers: { 'content-type': 'application/json' } });
  }
  return new Response(encodeExportResponse(signal, result).slice(), { status: 200, headers: { 'content-type': mime } });
}

export function otlpRoutes(ingest: IngestService, metrics: Metrics): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const handle = (signal: Signal, run: (body: Buffer, e: Encoding, project: string) => Promise<IngestResult>) =>
    app.post(`/v1/${signal}`, async (c) => {
      const { encoding, mime } = encodingOf(c.req.header('content-type'));
      const declared = Number(c.req.header('content-length'));
      if (Number.isFinite(declared) && declared > ingest.limits.maxBodyBytes) {
        throw new DomainError('too_large', 'body_too_large', `request body exceeds ${ingest.limits.maxBodyBytes} bytes`);
      }
      const body = await readBody(c.req.raw.body, c.req.header('content-encoding'), ingest.limits);
      metrics.bytesReceived.inc({ signal }, body.length);
      const result = await run(body, encoding, c.get('project'));
      return reply(signal, result, encoding, mime);
    });
  handle('traces', (body, e, project) => ingest.ingestTraces(body, e, project));
  handle('logs', (body, e, project) => ingest.ingestLogs(body, e, project));
  return app;
}
