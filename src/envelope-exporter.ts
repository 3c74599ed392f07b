import type { Attributes } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/**
 * Adds the reproducibility envelope to the resource of exported spans, for
 * when evaltrace joins an app's provider whose resource it cannot change.
 */
export class EnvelopeExporter implements SpanExporter {
  /** One merged resource per original, so the exporter still groups spans by resource. */
  private readonly merged = new WeakMap<Resource, Resource>();

  constructor(
    private readonly inner: SpanExporter,
    private readonly envelope: Attributes,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(
      spans.map((s) => this.withEnvelope(s)),
      resultCallback,
    );
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  private withEnvelope(span: ReadableSpan): ReadableSpan {
    let resource = this.merged.get(span.resource);
    if (!resource) {
      resource = span.resource.merge(resourceFromAttributes(this.envelope));
      this.merged.set(span.resource, resource);
    }
    // A view of the span with only its resource replaced; the span itself stays untouched.
    return Object.create(span, { resource: { value: resource } }) as ReadableSpan;
  }
}
