import {
  type Attributes,
  type Context,
  type Exception,
  type Span,
  SpanKind,
  SpanStatusCode,
  context,
  diag,
  trace,
} from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { ATTR, costUsd } from '@evaltrace/semantic-conventions';
import { captureMessages, capturesContent } from '../content.js';
import { tracer } from '../tracer.js';
import type { CallError, Operation, Outcome, Params } from './operation.js';
import { addRequestParams } from './request-params.js';

/** Calls whose response reached the app while their span still reads its copy of the body. */
const answered = new Set<LlmCall>();

/**
 * Resolves once every answered call has ended its span (or after `maxMs`), so
 * a flush right after the app got its result includes that call's span.
 */
export function answeredCallsSettled(maxMs: number): Promise<void> {
  if (answered.size === 0) return Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, maxMs);
    timer.unref();
  });
  const all = Promise.all([...answered].map((c) => c.ended)).then(() => undefined);
  return Promise.race([all, timeout]).finally(() => clearTimeout(timer));
}

/** One LLM call's CLIENT span; ends exactly once, and never throws into the app. */
export class LlmCall {
  private done = false;
  /** Created only when a flush waits on this call; most calls end without anyone waiting. */
  private settled: { promise: Promise<void>; resolve: () => void } | undefined;

  private constructor(
    readonly span: Span,
    private readonly requestModel: string,
    /** Where the client call runs: see start(). */
    readonly context: Context,
  ) {}

  /** Resolves once the span has ended. */
  get ended(): Promise<void> {
    if (this.done) return Promise.resolve();
    if (!this.settled) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.settled = { promise, resolve };
    }
    return this.settled.promise;
  }

  /** The response arrived; the span ends once its body has been read. */
  answered(): void {
    if (!this.done) answered.add(this);
  }

  /**
   * Starts the span of a call with `params`. Its `context` is where the client
   * call runs: the span is active there, and tracing is suppressed so that
   * instrumentation inside the client (the Anthropic SDK's own spans, HTTP
   * spans) adds no second span for the same call.
   */
  static start(op: Operation, params: Params): LlmCall {
    const parent = context.active();
    const model = op.model(params);
    const { name, attributes } = spanStart(op, model);
    const span = tracer().startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
    // Request parameters and messages are read only for a span that records them, and set in one call.
    if (span.isRecording()) {
      const a: Attributes = {};
      try {
        addRequestParams(a, params);
      } catch (err) {
        diag.warn('evaltrace: could not record request parameters', err);
      }
      if (capturesContent()) {
        const input = captureMessages(op.input(params));
        if (input !== undefined) a[ATTR.inputMessages] = input;
      }
      span.setAttributes(a);
    }
    return new LlmCall(span, model, trace.setSpan(suppressedContext(parent), span));
  }

  end(outcome: Outcome, error?: CallError): void {
    if (this.done) return;
    this.done = true;
    answered.delete(this);
    try {
      // A sampled-out span records nothing: skip pricing and serializing for it.
      if (this.span.isRecording()) this.record(outcome);
      if (error) {
        if (error.exception !== undefined) this.span.recordException(asException(error.exception));
        this.span.setAttribute(ATTR.errorType, error.type);
        this.span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      }
    } catch (err) {
      diag.warn('evaltrace: could not record LLM call outcome', err);
    } finally {
      this.span.end();
      this.settled?.resolve();
    }
  }

  /** The outcome's attributes, set in one call. */
  private record(o: Outcome): void {
    const a: Attributes = {};
    if (o.responseId) a[ATTR.responseId] = o.responseId;
    if (o.responseModel) a[ATTR.responseModel] = o.responseModel;
    if (o.finishReasons && o.finishReasons.length > 0) a[ATTR.finishReasons] = o.finishReasons;
    const usage = o.usage;
    if (usage) {
      a[ATTR.inputTokens] = usage.inputTokens;
      a[ATTR.outputTokens] = usage.outputTokens;
      if (usage.cacheReadTokens !== undefined) a[ATTR.cacheReadTokens] = usage.cacheReadTokens;
      if (usage.cacheWriteTokens !== undefined) a[ATTR.cacheWriteTokens] = usage.cacheWriteTokens;
      // The dated snapshot the provider answered with is the most exact price key.
      const cost = (o.responseModel ? costUsd(o.responseModel, usage) : null) ?? costUsd(this.requestModel, usage);
      if (cost !== null) a[ATTR.costUsd] = cost;
    }
    const output = captureMessages(o.output);
    if (output !== undefined) a[ATTR.outputMessages] = output;
    this.span.setAttributes(a);
  }
}

interface SpanStart {
  name: string;
  /** Only what samplers may read goes in at creation; the sampler sees no content. */
  attributes: Attributes;
}

/** Span name and creation attributes per operation and model, made once: apps call a handful of models. */
const starts = new Map<Operation, Map<string, SpanStart>>();
const MAX_MODELS = 256;

function spanStart(op: Operation, model: string): SpanStart {
  let byModel = starts.get(op);
  if (!byModel) {
    byModel = new Map();
    starts.set(op, byModel);
  }
  let start = byModel.get(model);
  if (!start) {
    const attributes = { [ATTR.operationName]: op.operation, [ATTR.providerName]: op.provider, [ATTR.requestModel]: model };
    start = { name: `${op.operation} ${model}`, attributes: Object.freeze(attributes) };
    if (byModel.size < MAX_MODELS) byModel.set(model, start);
  }
  return start;
}

/** The tracing-suppressed variant of each parent context, made once: calls in the same context (the root, a task) share it. */
const suppressed = new WeakMap<Context, Context>();

function suppressedContext(parent: Context): Context {
  let ctx = suppressed.get(parent);
  if (!ctx) {
    ctx = suppressTracing(parent);
    suppressed.set(parent, ctx);
  }
  return ctx;
}

/** A low-cardinality error.type: the error class (e.g. RateLimitError), else its name. */
export function callError(err: unknown): CallError {
  if (err instanceof Error) {
    const cls = err.constructor?.name;
    const type = cls && cls !== 'Error' ? cls : err.name || '_OTHER';
    return { type, message: err.message, exception: err };
  }
  return { type: '_OTHER', message: String(err), exception: err };
}

export function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

function asException(err: unknown): Exception {
  return err instanceof Error ? err : String(err);
}
