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
import { ATTR } from '../attributes.js';
import { type ChatMessage, captureMessages } from '../content.js';
import { type TokenUsage, PRICE_TABLE_VERSION, costUsd } from '../pricing.js';
import { tracer } from '../tracer.js';

/** What a finished call reported; every field is optional because streams and errors can cut it short. */
export interface Outcome {
  responseId?: string;
  responseModel?: string;
  finishReasons?: string[];
  usage?: TokenUsage;
  output?: ChatMessage[];
}

export interface CallError {
  type: string;
  message: string;
  exception?: unknown;
}

interface CallStart {
  provider: string;
  operation: string;
  model: string;
  input: ChatMessage[] | undefined;
}

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
  private markEnded!: () => void;
  readonly ended = new Promise<void>((resolve) => {
    this.markEnded = resolve;
  });

  private constructor(
    readonly span: Span,
    private readonly requestModel: string,
  ) {}

  /** The response arrived; the span ends once its body has been read. */
  answered(): void {
    if (!this.done) answered.add(this);
  }

  /**
   * Starts the span and returns the context to run the client call in: the
   * span is active there, and tracing is suppressed so that instrumentation
   * inside the client (the Anthropic SDK's own spans, HTTP spans) adds no
   * second span for the same call.
   */
  static start(s: CallStart): { call: LlmCall; context: Context } {
    const parent = context.active();
    const attributes: Attributes = {
      [ATTR.operationName]: s.operation,
      [ATTR.providerName]: s.provider,
      [ATTR.requestModel]: s.model,
    };
    const input = captureMessages(s.input);
    if (input !== undefined) attributes[ATTR.inputMessages] = input;
    const span = tracer().startSpan(`${s.operation} ${s.model}`, { kind: SpanKind.CLIENT, attributes }, parent);
    return { call: new LlmCall(span, s.model), context: suppressTracing(trace.setSpan(parent, span)) };
  }

  end(outcome: Outcome, error?: CallError): void {
    if (this.done) return;
    this.done = true;
    answered.delete(this);
    try {
      this.span.setAttributes(this.outcomeAttributes(outcome));
      if (error) {
        if (error.exception !== undefined) this.span.recordException(asException(error.exception));
        this.span.setAttribute(ATTR.errorType, error.type);
        this.span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      }
    } catch (err) {
      diag.warn('evaltrace: could not record LLM call outcome', err);
    } finally {
      this.span.end();
      this.markEnded();
    }
  }

  private outcomeAttributes(o: Outcome): Attributes {
    const a: Attributes = {};
    if (o.responseId) a[ATTR.responseId] = o.responseId;
    if (o.responseModel) a[ATTR.responseModel] = o.responseModel;
    if (o.finishReasons && o.finishReasons.length > 0) a[ATTR.finishReasons] = o.finishReasons;
    if (o.usage) {
      a[ATTR.inputTokens] = o.usage.inputTokens;
      a[ATTR.outputTokens] = o.usage.outputTokens;
      if (o.usage.cacheReadTokens !== undefined) a[ATTR.cacheReadTokens] = o.usage.cacheReadTokens;
      if (o.usage.cacheWriteTokens !== undefined) a[ATTR.cacheWriteTokens] = o.usage.cacheWriteTokens;
      // The dated snapshot the provider answered with is the most exact price key.
      const cost = (o.responseModel ? costUsd(o.responseModel, o.usage) : null) ?? costUsd(this.requestModel, o.usage);
      if (cost !== null) {
        a[ATTR.costUsd] = cost;
        a[ATTR.priceTableVersion] = PRICE_TABLE_VERSION;
      }
    }
    const output = captureMessages(o.output);
    if (output !== undefined) a[ATTR.outputMessages] = output;
    return a;
  }
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
