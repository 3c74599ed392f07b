import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, type SpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/**
 * What a peer SDK's users set up: a NodeTracerProvider, registered (global
 * provider and the AsyncLocalStorage context manager the instrumentations'
 * context.with relies on), exporting over OTLP/HTTP protobuf to the collector.
 * An in-memory copy of every span shows what the peer emitted.
 */
export function startTracing(collectorUrl: string, serviceName: string, extra: SpanProcessor[] = []) {
  const emitted = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [
      ...extra,
      new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${collectorUrl}/v1/traces` })),
      new SimpleSpanProcessor(emitted),
    ],
  });
  provider.register();
  return {
    provider,
    tracer: provider.getTracer('app'),
    /** Attributes of the spans a given instrumentation scope emitted, in end order. */
    emittedBy: (scope: string) =>
      emitted
        .getFinishedSpans()
        .filter((s) => s.instrumentationScope.name === scope)
        .map((s) => s.attributes),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
