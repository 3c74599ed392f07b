/**
 * Telling the app's developer, once and plainly, when spans cannot reach the
 * collector: a check of the endpoint when init() runs, and a count of the
 * spans the exporter could not deliver. Both are process warnings named
 * `EvaltraceWarning` (like the SDK's input warnings, src/input.ts): OTel's
 * diag logger prints nothing unless the app set one up.
 */
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { networkReason, START_COLLECTOR_HINT } from './collector-api.js';
import { warn } from './warn.js';


const KEY = 'set the key with init({ apiKey }) or EVALTRACE_API_KEY';


/** Asks the collector once, in the background, whether it answers and takes the key; warns if not. Never throws. */
export function checkCollector(endpoint: string, apiKey: string | undefined): void {
  const headers: Record<string, string> = apiKey ? { Authorization: `Bearer ${apiKey}` } : {};
  fetch(`${endpoint}/api/datasets`, { headers, signal: AbortSignal.timeout(5_000) })
    .then(async (res) => {
      await res.body?.cancel();
      if (res.status === 401 || res.status === 403) warn(`evaltrace: the collector at ${endpoint} rejected the API key (HTTP ${res.status}); spans will be refused: ${KEY}`);
    })
    .catch((err: unknown) => {
      const reason = networkReason(err);
      warn(`evaltrace: no collector answers at ${endpoint} (${reason}); spans are dropped until one does: ${START_COLLECTOR_HINT}`);
    });
}

/** How often, at most, failed exports are reported. */
const REPORT_EVERY_MS = 60_000;

/** Passes every export through, counting the spans that did not arrive and reporting them at most once a minute. */
export class ReportingExporter implements SpanExporter {
  private failed = 0;
  private lastReport = -Infinity;

  constructor(
    private readonly inner: SpanExporter,
    private readonly url: string,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) this.record(spans.length, result.error);
      resultCallback(result);
    });
  }

  private record(spans: number, error: Error | undefined): void {
    this.failed += spans;
    const now = Date.now();
    if (now - this.lastReport < REPORT_EVERY_MS) return;
    const what = this.lastReport === -Infinity ? '' : ' in the last minute';
    warn(`evaltrace: ${this.failed} spans could not be exported to ${this.url}${what} (${error?.message ?? 'export failed'}); ${START_COLLECTOR_HINT}`);
    this.failed = 0;
    this.lastReport = now;
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
