import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { scopeOf } from './context.js';

/**
 * Stamps the versions of the active task/withVersions scope onto every span as
 * it starts, whoever creates it (the wrapper, the app, another library), so
 * each span can be attributed on its own. init() registers it; apps that build
 * their own TracerProvider add it to their span processors.
 */
export class EvaltraceSpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const scope = scopeOf(parentContext);
    if (scope) span.setAttributes(scope.attributes());
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
