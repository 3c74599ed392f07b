import type { Attributes, HrTime, Link, SpanContext, SpanKind, SpanStatus } from '@opentelemetry/api';
import type { ExportResult, InstrumentationScope } from '@opentelemetry/core';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter, TimedEvent } from '@opentelemetry/sdk-trace-base';

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
    const views = new Array<ReadableSpan>(spans.length);
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i] as ReadableSpan;
      views[i] = new EnvelopedSpan(span, this.resourceFor(span.resource));
    }
    this.inner.export(views, resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  private resourceFor(original: Resource): Resource {
    let resource = this.merged.get(original);
    if (!resource) {
      resource = original.merge(resourceFromAttributes(this.envelope));
      this.merged.set(original, resource);
    }
    return resource;
  }
}

/**
 * A finished span as the exporter reads it, with only its resource replaced;
 * the span itself stays untouched (the app's own exporter sees it as it was).
 * A plain object of one shape keeps this cheap for every exported span.
 */
class EnvelopedSpan implements ReadableSpan {
  readonly name: string;
  readonly kind: SpanKind;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly links: Link[];
  readonly events: TimedEvent[];
  readonly duration: HrTime;
  readonly ended: boolean;
  readonly instrumentationScope: InstrumentationScope;
  readonly droppedAttributesCount: number;
  readonly droppedEventsCount: number;
  readonly droppedLinksCount: number;
  private readonly context: SpanContext;

  constructor(
    span: ReadableSpan,
    readonly resource: Resource,
  ) {
    this.name = span.name;
    this.kind = span.kind;
    this.context = span.spanContext();
    this.parentSpanContext = span.parentSpanContext;
    this.startTime = span.startTime;
    this.endTime = span.endTime;
    this.status = span.status;
    this.attributes = span.attributes;
    this.links = span.links;
    this.events = span.events;
    this.duration = span.duration;
    this.ended = span.ended;
    this.instrumentationScope = span.instrumentationScope;
    this.droppedAttributesCount = span.droppedAttributesCount;
    this.droppedEventsCount = span.droppedEventsCount;
    this.droppedLinksCount = span.droppedLinksCount;
  }

  spanContext(): SpanContext {
    return this.context;
  }
}
