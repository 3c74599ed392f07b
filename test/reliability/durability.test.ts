import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '../helpers/data-dir.js';
import { type ChildCollector, freePort, spawnCollector } from '../helpers/child-collector.js';

/** Wraps the real OTLP exporter and remembers which spans the collector acknowledged with a 2xx. */
class RecordingExporter implements SpanExporter {
  readonly acked = new Set<string>();
  readonly sent: ReadableSpan[][] = [];
  private inFlight = 0;
  constructor(private readonly inner: SpanExporter) {}
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    this.sent.push(spans);
    this.inFlight += 1;
    this.inner.export(spans, (r) => {
      this.inFlight -= 1;
      if (r.code === ExportResultCode.SUCCESS) for (const s of spans) this.acked.add(s.spanContext().traceId);
      done(r);
    });
  }
  /** forceFlush can give up (concurrency limit) with exports still in flight; wait for their answers. */
  async settled(): Promise<void> {
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 20));
  }
  shutdown() {
    return this.inner.shutdown();
  }
  forceFlush() {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

async function storedTraceIds(url: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams({ dataset: 'durability', limit: '1000', ...(cursor ? { cursor } : {}) });
    const page = (await (await fetch(`${url}/api/traces?${q}`)).json()) as { traces: { trace_id: string }[]; next_cursor: string | null };
    ids.push(...page.traces.map((t) => t.trace_id));
    cursor = page.next_cursor;
  } while (cursor);
  return ids;
}

describe('durability: a 2xx means committed, even across kill -9', () => {
  let child: ChildCollector | undefined;
  afterAll(() => {
    child?.proc.kill('SIGKILL');
  });

  it('keeps every acknowledged span exactly once after kill -9 and restart, and retries add nothing twice', async () => {
    const dataDir = tempDataDir();
    const port = await freePort();
    child = await spawnCollector(dataDir, port);
    const exporter = new RecordingExporter(new OTLPTraceExporter({ url: `${child.url}/v1/traces`, timeoutMillis: 2000, concurrencyLimit: 1000 }));
    const provider = new BasicTracerProvider({
      spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 50, scheduledDelayMillis: 5, maxQueueSize: 100_000 })],
    });
    const tracer = provider.getTracer('durability');
    let produced = 0;
    const produce = async (ms: number) => {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        for (let i = 0; i < 25; i++, produced++) {
          tracer.startSpan('task', { root: true, attributes: { 'evaltrace.dataset.name': 'durability', 'evaltrace.example.id': `e${produced}` } }).end();
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    };

    // Keep producing until a good share is acknowledged (a loaded machine acknowledges slower).
    for (let i = 0; i < 20 && exporter.acked.size < 500; i++) await produce(500);
    expect(exporter.acked.size).toBeGreaterThan(100);
    child.proc.kill('SIGKILL');
    await child.exited;
    await produce(300); // spans made while the collector is down: their exports fail or retry
    child = await spawnCollector(dataDir, port);
    expect(child.output()).toMatch(/did not shut down cleanly: rebuilding the rollups/);
    await produce(500);
    // Flush until the queue is drained and every export answered (a flush can give up at the concurrency limit).
    for (let i = 0; i < 5; i++) {
      await provider.forceFlush().catch(() => undefined);
      await exporter.settled();
    }
    const acked = [...exporter.acked];

    const stored = await storedTraceIds(child.url);
    const unique = new Set(stored);
    expect(unique.size).toBe(stored.length);
    for (const id of acked) expect(unique.has(id)).toBe(true);
    expect(unique.size).toBeLessThanOrEqual(produced);

    // Exporters retry whole batches after a restart: re-delivering every batch, twice, counts each span once.
    const counted = async () => ((await (await fetch(`${child!.url}/api/triples?dataset=durability`)).json()) as any).triples[0].n_traces;
    expect(await counted()).toBe(unique.size);
    const everSent = new Set(exporter.sent.flat().map((s) => s.spanContext().traceId));
    const resend = new OTLPTraceExporter({ url: `${child.url}/v1/traces`, concurrencyLimit: 1000 });
    for (let round = 0; round < 2; round++) {
      for (const batch of exporter.sent) {
        // As an exporter would: retry a batch the busy collector refused until it is acknowledged.
        let r: ExportResult = { code: ExportResultCode.FAILED };
        for (let attempt = 0; attempt < 10 && r.code !== ExportResultCode.SUCCESS; attempt++) {
          r = await new Promise<ExportResult>((resolve) => resend.export(batch, resolve));
        }
        expect(r.code).toBe(ExportResultCode.SUCCESS);
      }
      expect(await counted()).toBe(everSent.size);
    }
    await provider.shutdown();
  }, 90_000);
});
