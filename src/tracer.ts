import { type Tracer, type TracerProvider, trace } from '@opentelemetry/api';

const TRACER_NAME = 'evaltrace';

/**
 * Where evaltrace's own spans (task, LLM calls, evaluations) come from: the
 * global provider, or a private one when init() could not join an app's
 * provider (see init.ts).
 */
let privateProvider: TracerProvider | undefined;

/** The tracer of the provider last asked, so a call does not look it up anew each time. */
let cached: { provider: TracerProvider; tracer: Tracer } | undefined;

export function useTracerProvider(provider: TracerProvider | undefined): void {
  privateProvider = provider;
}

export function tracer(): Tracer {
  const provider = privateProvider ?? trace.getTracerProvider();
  if (cached?.provider !== provider) cached = { provider, tracer: provider.getTracer(TRACER_NAME) };
  return cached.tracer;
}
