import { type Span, type Tracer, context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpHttpExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ExportResultCode } from '@opentelemetry/core';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { expect } from 'vitest';

export interface SenderOptions {
  url: string;
  encoding: 'protobuf' | 'json';
  gzip: boolean;
  batch?: boolean;
  headers?: Record<string, string>;
  serviceName?: string;
}

/** A tracer whose spans travel to the collector through the real OTel JS OTLP/HTTP exporters. */
export function makeSender(o: SenderOptions) {
  const config = {
    url: `${o.url}/v1/traces`,
    compression: (o.gzip ? 'gzip' : 'none') as never,
    headers: o.headers,
  };
  const exporter = o.encoding === 'protobuf' ? new OtlpProtoExporter(config) : new OtlpHttpExporter(config);
  const processor = o.batch
    ? new BatchSpanProcessor(exporter, { maxExportBatchSize: 64, scheduledDelayMillis: 20 })
    : new SimpleSpanProcessor(exporter);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': o.serviceName ?? 'evaltrace-test' }),
    spanProcessors: [processor],
  });
  const tracer: Tracer = provider.getTracer('evaltrace-test');
  return {
    tracer,
    /** Starts a span as a child of `parent` (explicit context: no global context manager needed). */
    child(parent: Span, name: string, options: Parameters<Tracer['startSpan']>[1] = {}): Span {
      return tracer.startSpan(name, options, trace.setSpan(context.active(), parent));
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/** Takes the spans a scenario produces, so the same spans (same ids) can be sent to both stores. */
export class Capture implements SpanExporter {
  readonly spans: ReadableSpan[] = [];
  export(spans: ReadableSpan[], done: (r: { code: ExportResultCode }) => void): void {
    this.spans.push(...spans);
    done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {}
}

/** Sends spans through the real OTLP/protobuf exporter, `size` spans a request, `parallel` requests at a time; `midway` runs halfway. */
export async function exportSpans(
  url: string,
  spans: readonly ReadableSpan[],
  size: number,
  parallel: number,
  midway: () => void = () => undefined,
  headers?: Record<string, string>,
) {
  const exporter = new OtlpProtoExporter({ url: `${url}/v1/traces`, timeoutMillis: 20_000, headers });
  const chunks = Array.from({ length: Math.ceil(spans.length / size) }, (_, i) => spans.slice(i * size, (i + 1) * size));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const i = next++;
      if (i === Math.floor(chunks.length / 2)) midway();
      const result = await new Promise<{ code: ExportResultCode; error?: Error }>((resolve) => exporter.export(chunks[i]!, resolve));
      expect(result.code, `chunk ${i}: ${result.error?.message}`).toBe(ExportResultCode.SUCCESS);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  await exporter.shutdown();
}
