import { anthropicMessages } from './anthropic.js';
import { instrument, patch } from './instrument.js';
import type { Operation } from './operation.js';
import { openaiChat, openaiEmbeddings, openaiResponses } from './openai.js';

/** SDK methods the wrapper instruments, by path from the client. */
const METHODS: ReadonlyArray<{ path: readonly string[]; method: string; op: Operation }> = [
  { path: ['chat', 'completions'], method: 'create', op: openaiChat },
  { path: ['responses'], method: 'create', op: openaiResponses },
  { path: ['embeddings'], method: 'create', op: openaiEmbeddings },
  { path: ['messages'], method: 'create', op: anthropicMessages },
];

/**
 * Instruments an `openai` (6.x) or `@anthropic-ai/sdk` client in place and
 * returns it: same object, same type. Each call becomes one CLIENT span;
 * arguments, results, stream chunks and errors reach the app unchanged.
 * Duck-typed, so neither SDK is a runtime dependency. Wrapping twice is a no-op.
 */
export function wrap<T extends object>(client: T): T {
  let found = false;
  for (const { path, method, op } of METHODS) {
    const target = resolve(client, path);
    if (target && typeof target[method] === 'function') {
      instrument(target, method, op);
      found = true;
    }
  }
  if (!found) {
    throw new TypeError('evaltrace.wrap: expected an openai or @anthropic-ai/sdk client (no chat.completions, responses, embeddings or messages)');
  }
  const messages = resolve(client, ['messages']);
  if (messages) patch(messages, 'stream', (original) => withoutClientTracer(client, original));
  // withOptions() builds a new client; it should come back instrumented like this one.
  patch(client, 'withOptions', (original) =>
    function (this: unknown, ...args: unknown[]) {
      const copy = original.apply(this, args);
      return copy !== null && typeof copy === 'object' ? wrap(copy) : copy;
    },
  );
  return client;
}

/**
 * The Anthropic SDK traces calls itself when an OTel provider is registered.
 * messages.stream() starts that span and calls messages.create synchronously,
 * so hiding the client's tracer for the duration of the call leaves the
 * wrapped create's span as the call's only one, while the helper's later
 * work (and the app's event callbacks) keep the app's context untouched.
 */
function withoutClientTracer(client: object, original: (this: unknown, ...args: unknown[]) => unknown) {
  return function (this: unknown, ...args: unknown[]) {
    const owner = client as { _tracer?: unknown };
    if (!('_tracer' in owner)) return original.apply(this, args);
    const saved = owner._tracer;
    owner._tracer = undefined;
    try {
      return original.apply(this, args);
    } finally {
      owner._tracer = saved;
    }
  };
}

function resolve(root: object, path: readonly string[]): Record<string, unknown> | undefined {
  let node: unknown = root;
  for (const key of path) {
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node !== null && typeof node === 'object' ? (node as Record<string, unknown>) : undefined;
}
