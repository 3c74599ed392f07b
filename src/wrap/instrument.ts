import { context, diag } from '@opentelemetry/api';
import { type Operation, type Outcome, type Params, type StreamAccumulator, NO_OUTCOME } from './operation.js';
import { sseEvents } from './sse.js';
import { LlmCall, callError, isAbort } from './span.js';

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
 * such as `.withResponse()` are untouched; the span reads the body the SDK
 * parses for the app, or else its own clone of the HTTP response.
 */
export function instrument(target: object, method: string, op: Operation): void {
  patch(target, method, (original) =>
    function (this: unknown, ...args: unknown[]) {
      const params = (args[0] ?? {}) as Params;
      let call: LlmCall;
      try {
        call = LlmCall.start(op, params);
      } catch (err) {
        instrumentationError(err);
        return original.apply(this, args);
      }
      let result: unknown;
      try {
        result = context.with(call.context, () => original.apply(this, args));
      } catch (err) {
        call.end(NO_OUTCOME, callError(err));
        throw err;
      }
      try {
        observe(result, call, op, params.stream === true);
      } catch (err) {
        instrumentationError(err);
        call.end(NO_OUTCOME);
      }
      return result;
    },
  );
}

interface ResponseProps {
  response?: { clone?: () => { body: ReadableStream<Uint8Array> | null; json(): Promise<unknown> } };
}

/** The parts of a Stainless APIPromise (openai, @anthropic-ai/sdk) the span reads. */
interface ApiPromise {
  /** Settles with the raw Response before anyone parses it. */
  responsePromise: PromiseLike<unknown>;
  /** How the SDK parses the body, called once the app asks for the result. */
  parseResponse?: AnyFunction;
  /** Set once anyone (the app's await, withResponse()) asked for the parsed body. */
  parsedPromise?: unknown;
}

function observe(result: unknown, call: LlmCall, op: Operation, stream: boolean): void {
  const api = result as ApiPromise | null;
  if (!isThenable(api?.responsePromise)) {
    Promise.resolve(result).then(
      (value) => call.end(stream ? NO_OUTCOME : readBody(op, value)),
      (err: unknown) => call.end(NO_OUTCOME, callError(err)),
    );
    return;
  }
  const readsParsed = !stream && hookParse(api, call, op);
  api.responsePromise.then(
    (props: unknown) => {
      // The app's own parse claims the body: the hook reads what it yields.
      if (readsParsed && api.parsedPromise !== undefined) return;
      // Otherwise (a stream, .asResponse()) the span reads a clone, taken in
      // this first reaction, before the SDK's parse can claim the body.
      call.answered();
      const copy = safely(() => (props as ResponseProps).response?.clone?.());
      if (!copy) return call.end(NO_OUTCOME);
      void (stream && op.accumulator ? readStream(copy.body, op.accumulator(), call) : readJson(copy, op, call));
    },
    (err: unknown) => call.end(NO_OUTCOME, callError(err)),
  );
}

/**
 * Has the APIPromise's parse hand the span the body it parses for the app: no
 * second read of the body, no clone. The span's reaction is registered on the
 * parse result before the SDK hands it on, so it reads the body before any
 * app code can see (and change) it. The promise object stays the same one.
 */
function hookParse(api: ApiPromise, call: LlmCall, op: Operation): boolean {
  const parse = api.parseResponse;
  if (typeof parse !== 'function') return false;
  api.parseResponse = function (this: unknown, ...args: unknown[]) {
    const parsed = parse.apply(this, args);
    Promise.resolve(parsed).then(
      (body) => call.end(readBody(op, body)),
      () => call.end(NO_OUTCOME),
    );
    return parsed;
  };
  return true;
}

async function readJson(copy: { json(): Promise<unknown> }, op: Operation, call: LlmCall): Promise<void> {
  const body = await copy.json().catch(() => undefined);
  call.end(body === undefined ? NO_OUTCOME : readBody(op, body));
}

async function readStream(body: ReadableStream<Uint8Array> | null, acc: StreamAccumulator, call: LlmCall): Promise<void> {
  if (!body) return call.end(NO_OUTCOME);
  try {
    for await (const event of sseEvents(body)) safely(() => acc.onEvent(event));
    call.end(acc.outcome(), acc.error());
  } catch (err) {
    // The app stopping early (break, abort) is not an error of the call.
    call.end(safely(() => acc.outcome()) ?? NO_OUTCOME, isAbort(err) ? undefined : callError(err));
  }
}

/** What a response body reports; inline rather than through safely(), as it runs on every call. */
function readBody(op: Operation, body: unknown): Outcome {
  try {
    return op.fromBody(body);
  } catch (err) {
    instrumentationError(err);
    return NO_OUTCOME;
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
    instrumentationError(err);
    return undefined;
  }
}

function instrumentationError(err: unknown): void {
  diag.warn('evaltrace: instrumentation error', err);
}
