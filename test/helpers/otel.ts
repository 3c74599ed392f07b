import { type Span, type Tracer, context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpHttpExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

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
