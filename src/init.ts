import { type TracerProvider, context, diag, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, hostDetector, osDetector, processDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { configure, normalizeEndpoint, resetSettings, settings } from './config.js';
import { envelopeAttributes } from './envelope.js';
import { EnvelopeExporter } from './envelope-exporter.js';
import { checkCollector, ReportingExporter } from './feedback.js';
import { EvaltraceSpanProcessor } from './processor.js';
import { useTracerProvider } from './tracer.js';
import { answeredCallsSettled } from './wrap/span.js';

export interface InitOptions {
  /** Collector base URL. Default: OTEL_EXPORTER_OTLP_ENDPOINT, else http://localhost:4318. */
  endpoint?: string;
  /** Sent as `Authorization: Bearer <key>`. Default: EVALTRACE_API_KEY. */
  apiKey?: string;
  /** `service.name`; ignored when joining an app's provider, whose resource names the service. */
  serviceName?: string;
  /** Record prompts and outputs on spans (needed to re-judge stored traces). Default true. */
  captureContent?: boolean;
  /** Scrubs every captured text before it leaves the process. */
  redact?: (text: string) => string;
  /** Recorded as `evaltrace.seed`. */
  seed?: string | number;
  /** Spans buffered for export; past it new spans are dropped, never the app slowed. Default 2048. */
  maxQueueSize?: number;
  /** Replaces the OTLP/HTTP exporter (tests, other backends). */
  exporter?: SpanExporter;
  /**
   * Check once, in the background, that a collector answers at the endpoint and
   * takes the key, warning (`EvaltraceWarning`) if not. Default true unless an
   * `exporter` is given.
   */
  checkConnection?: boolean;
  resourceAttributes?: Record<string, string | number | boolean>;
}

export interface Telemetry {
  /** Exports every finished span; resolves even when the collector is down. */
  flush(): Promise<void>;
  /** Flushes, then stops exporting. A later init() starts afresh. */
  shutdown(): Promise<void>;
}

let installed: Telemetry | undefined;

type ExporterConfig = NonNullable<ConstructorParameters<typeof OTLPTraceExporter>[0]>;

/**
 * Sets up OpenTelemetry to send traces to the evaltrace collector. In an app
 * without OTel it registers a Node tracer provider; in one that already registered a
 * tracer provider it adds evaltrace's span processors to that provider.
 * Calling it again returns the running installation.
 */
export function init(options: InitOptions = {}): Telemetry {
  if (installed) return installed;
  resetSettings();
  configure({
    endpoint: options.endpoint === undefined ? undefined : normalizeEndpoint(options.endpoint),
    apiKey: options.apiKey,
    captureContent: options.captureContent,
    redact: options.redact,
  });
  const envelope = { ...envelopeAttributes({ seed: options.seed }), ...options.resourceAttributes };
  const { endpoint, apiKey } = settings();
  const exporter =
    options.exporter ??
    new ReportingExporter(
      new OTLPTraceExporter({
        url: `${endpoint}/v1/traces`,
        headers: apiKey ? { Authorization: `Bearer ${apiKey}` } : {},
        compression: 'gzip' as ExporterConfig['compression'],
        timeoutMillis: 5_000,
      }),
      `${endpoint}/v1/traces`,
    );
  if (options.checkConnection ?? options.exporter === undefined) checkCollector(endpoint, apiKey);
  const maxQueueSize = options.maxQueueSize ?? 2048;
  const batchOptions = { maxQueueSize, maxExportBatchSize: Math.min(512, maxQueueSize), scheduledDelayMillis: 1000, exportTimeoutMillis: 5_000 };
  const versions = new EvaltraceSpanProcessor();

  const existing = registeredProvider();
  let stop: () => Promise<void>;
  let exportProcessor: SpanProcessor;
  if (existing) {
    // The app's provider keeps its own resource, so the envelope rides on the exported spans.
    exportProcessor = new BatchSpanProcessor(new EnvelopeExporter(exporter, envelope), batchOptions);
    stop = joinOrShadow(existing, [versions, exportProcessor]);
  } else {
    exportProcessor = new BatchSpanProcessor(exporter, batchOptions);
    // What NodeSDK would set up for traces, without its dependency tree (metrics, logs, gRPC
    // exporters: 16 MB more in the app's node_modules): the resource the environment and
    // host describe, the AsyncLocalStorage context manager and the W3C propagators.
    const detected = detectResources({ detectors: [envDetector, processDetector, hostDetector, osDetector] });
    const named = options.serviceName === undefined ? {} : { 'service.name': options.serviceName };
    const provider = new NodeTracerProvider({
      resource: defaultResource().merge(resourceFromAttributes(envelope)).merge(detected).merge(resourceFromAttributes(named)),
      spanProcessors: [versions, exportProcessor],
    });
    provider.register();
    stop = async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    };
  }

  const onBeforeExit = () => void exportProcessor.forceFlush().catch(() => undefined);
  process.on('beforeExit', onBeforeExit);
  const handle: Telemetry = {
    flush: async () => {
      await answeredCallsSettled(2000);
      await exportProcessor.forceFlush().catch((err: unknown) => diag.warn('evaltrace: flush failed', err));
    },
    shutdown: async () => {
      if (installed !== handle) return;
      installed = undefined;
      process.off('beforeExit', onBeforeExit);
      await handle.flush();
      await stop().catch((err: unknown) => diag.warn('evaltrace: shutdown failed', err));
      useTracerProvider(undefined);
      resetSettings();
    },
  };
  installed = handle;
  return handle;
}

/** Exports finished spans now, if init() ran; judgeTraces uses it so fresh traces are listable. */
export async function flushTelemetry(): Promise<void> {
  await installed?.flush();
}

/** The provider an app registered globally before init(), if any. */
function registeredProvider(): TracerProvider | undefined {
  const proxy = trace.getTracerProvider() as TracerProvider & {
    getDelegateTracer?: (name: string) => unknown;
    getDelegate?: () => TracerProvider;
  };
  if (typeof proxy.getDelegateTracer !== 'function' || typeof proxy.getDelegate !== 'function') return proxy;
  return proxy.getDelegateTracer('evaltrace') === undefined ? undefined : proxy.getDelegate();
}

interface JoinableProvider {
  addSpanProcessor?: (p: SpanProcessor) => void;
  _activeSpanProcessor?: { _spanProcessors?: unknown };
}

/**
 * Adds the processors to the app's provider. OTel JS 2.x providers take
 * processors only at construction, so they are appended to the provider's
 * processor list; a provider of unknown make gets a private evaltrace
 * provider beside it instead (its spans then miss the app's own spans' versions).
 */
function joinOrShadow(provider: TracerProvider, processors: SpanProcessor[]): () => Promise<void> {
  const p = provider as JoinableProvider;
  const list = p._activeSpanProcessor?._spanProcessors;
  if (typeof p.addSpanProcessor === 'function') {
    for (const proc of processors) p.addSpanProcessor(proc);
  } else if (Array.isArray(list)) {
    list.push(...processors);
  } else {
    diag.warn('evaltrace: unknown tracer provider; exporting evaltrace spans through a private provider');
    const own = new NodeTracerProvider({ spanProcessors: processors });
    useTracerProvider(own);
    return () => own.shutdown();
  }
  // Left in the app's provider after shutdown; a shut-down batch processor ignores new spans.
  return () => Promise.all(processors.map((proc) => proc.shutdown())).then(() => undefined);
}
