/**
 * Requests to the collector's query API (listing traces, datasets), with the
 * endpoint and API key init() set, and errors that say which URL failed and
 * what to do about it.
 */
import { settings } from './config.js';

export interface Connection {
  endpoint?: string;
  apiKey?: string;
}

/** A collector request that failed: unreachable (status undefined) or answered with an error. */
export class EvaltraceRequestError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly status?: number,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EvaltraceRequestError';
  }
}

/** What to do when no collector answers, said the same wherever the SDK says it. */
export const START_COLLECTOR_HINT = 'start one (npx @evaltrace/collector) or point the SDK at yours with init({ endpoint }) or OTEL_EXPORTER_OTLP_ENDPOINT';

/** Why a fetch did not reach its server, in a word where Node gives one (ECONNREFUSED, ENOTFOUND). */
export function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

/** Sends a request to `path` and returns the JSON answer of a 2xx. */
export async function collectorRequest<T>(path: string, init: { method?: string; body?: string; contentType?: string } = {}, conn: Connection = {}): Promise<T> {
  const endpoint = conn.endpoint ?? settings().endpoint;
  const apiKey = conn.apiKey ?? settings().apiKey;
  const url = `${endpoint}${path}`;
  const headers: Record<string, string> = {};
  if (apiKey) headers.Authorization = `Bearer ${apiKey}`;
  if (init.contentType) headers['Content-Type'] = init.contentType;
  let res: Response;
  try {
    res = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body });
  } catch (err) {
    const reason = networkReason(err);
    throw new EvaltraceRequestError(
      `evaltrace: no collector answers at ${endpoint} (${reason}); ${START_COLLECTOR_HINT}`,
      url,
      undefined,
      undefined,
      { cause: err },
    );
  }
  const body = (await res.json().catch(() => null)) as (T & { error?: { code?: string; message?: string } }) | null;
  if (!res.ok || body === null) {
    const hint = res.status === 401 ? ' (set the API key with init({ apiKey }) or EVALTRACE_API_KEY)' : '';
    throw new EvaltraceRequestError(
      `evaltrace: ${init.method ?? 'GET'} ${url} failed (HTTP ${res.status}): ${body?.error?.message ?? 'unexpected response'}${hint}`,
      url,
      res.status,
      body?.error?.code,
    );
  }
  return body;
}
