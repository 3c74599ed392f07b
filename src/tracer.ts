import { type Tracer, type TracerProvider, trace } from '@opentelemetry/api';

const TRACER_NAME = 'evaltrace';

/**
 * Where evaltrace's own spans (task, LLM calls, evaluations) come from: the
 * global provider, or a private one when init() could not join an app's
 * provider (see init.ts).
 */
let privateProvider: TracerProvider | undefined;

export function useTracerProvider(provider: TracerProvider | undefined): void {
  privateProvider = provider;
}

export function tracer(): Tracer {
  return (privateProvider ?? trace.getTracerProvider()).getTracer(TRACER_NAME);
}
