import { context, diag } from '@opentelemetry/api';
import type { ChatMessage } from '../content.js';
import type { SseEvent } from './sse.js';
import { sseEvents } from './sse.js';
import { type CallError, type Outcome, LlmCall, callError, isAbort } from './span.js';

/** Folds a provider's stream events into what the call reported. */
export interface StreamAccumulator {
  onEvent(event: SseEvent): void;
  outcome(): Outcome;
  /** An error the provider sent inside the stream (the SDK throws it to the app mid-iteration). */
  error(): CallError | undefined;
}

/** How to read one provider operation (e.g. OpenAI chat completions) for its span. */
export interface Operation {
  provider: string;
  operation: string;
  model(params: Record<string, unknown>): string;
  input(params: Record<string, unknown>): ChatMessage[] | undefined;
  fromBody(body: unknown): Outcome;
  accumulator?(): StreamAccumulator;
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

const ORIGINAL = Symbol.for('evaltrace.original');

function isInstrumented(fn: unknown): boolean {
  return typeof fn === 'function' && ORIGINAL in fn;
}

/** Replaces `target[method]` (an own property, so the prototype and other clients stay untouched). */
export function patch(target: object, method: string, make: (original: AnyFunction) => AnyFunction): void {
  const original = (target as Record<string, unknown>)[method];
  if (typeof original !== 'function' || isInstrumented(original)) return;
  const replacement = make(original as AnyFunction);
  Object.defineProperty(replacement, ORIGINAL, { value: original });
  Object.defineProperty(target, method, { value: replacement, writable: true, configurable: true, enumerable: false });
}

/**
 * Instruments one SDK method. The app gets back exactly what the SDK returned
 * (the same APIPromise object), so results, stream chunks, errors and helpers
 * such as `.withResponse()` are untouched; the span reads its own clone of the
 * HTTP response instead.
 */
export function instrument(target: object, method: string, op: Operation): void {
  patch(target, method, (original) =>
    function (this: unknown, ...args: unknown[]) {
      const params = (args[0] ?? {}) as Record<string, unknown>;
      const started = safely(() =>
        LlmCall.start({ provider: op.provider, operation: op.operation, model: op.model(params), input: op.input(params) }),
      );
      if (!started) return original.apply(this, args);
      let result: unknown;
      try {
        result = context.with(started.context, () => original.apply(this, args));
      } catch (err) {
        started.call.end({}, callError(err));
        throw err;
      }
      safely(() => observe(result, started.call, op, params.stream === true));
      return result;
    },
  );
}

interface ResponseProps {
  response?: { clone?: () => { body: ReadableStream<Uint8Array> | null; json(): Promise<unknown> } };
}

function observe(result: unknown, call: LlmCall, op: Operation, stream: boolean): void {
  // Stainless SDKs (openai, @anthropic-ai/sdk) return an APIPromise whose
  // responsePromise settles with the raw Response before anyone parses it.
  const responsePromise = (result as { responsePromise?: unknown } | null)?.responsePromise;
  if (!isThenable(responsePromise)) {
    Promise.resolve(result).then(
      (value) => call.end(stream ? {} : safely(() => op.fromBody(value)) ?? {}),
      (err: unknown) => call.end({}, callError(err)),
    );
    return;
  }
  responsePromise.then(
    (props: unknown) => {
      call.answered();
      // Cloned in the first reaction, before the SDK's parse can claim the body.
      const copy = safely(() => (props as ResponseProps).response?.clone?.());
      if (!copy) return call.end({});
      void (stream && op.accumulator ? readStream(copy.body, op.accumulator(), call) : readJson(copy, op, call));
    },
    (err: unknown) => call.end({}, callError(err)),
  );
}

async function readJson(copy: { json(): Promise<unknown> }, op: Operation, call: LlmCall): Promise<void> {
  const body = await copy.json().catch(() => undefined);
  call.end(body === undefined ? {} : (safely(() => op.fromBody(body)) ?? {}));
}

async function readStream(body: ReadableStream<Uint8Array> | null, acc: StreamAccumulator, call: LlmCall): Promise<void> {
  if (!body) return call.end({});
  try {
    for await (const event of sseEvents(body)) safely(() => acc.onEvent(event));
    call.end(acc.outcome(), acc.error());
  } catch (err) {
    // The app stopping early (break, abort) is not an error of the call.
    call.end(safely(() => acc.outcome()) ?? {}, isAbort(err) ? undefined : callError(err));
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

/** Telemetry code never throws into the app: a failure costs the span detail, nothing more. */
function safely<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    diag.warn('evaltrace: instrumentation error', err);
    return undefined;
  }
}
