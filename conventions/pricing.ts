/**
 * The one versioned price table (USD per 1M tokens), shared by the SDK (which
 * stamps `evaltrace.cost.usd`) and the collector (which prices spans that
 * arrive without a cost). Bump PRICE_TABLE_VERSION whenever a price changes.
 */

export const PRICE_TABLE_VERSION = '2026-11-01';

export interface ModelPrice {
  /** Uncached input tokens. */
  input: number;
  output: number;
  /** Input tokens read from the provider's prompt cache; defaults to `input`. */
  cacheRead?: number;
  /** Input tokens written to the prompt cache (Anthropic); defaults to `input`. */
  cacheWrite?: number;
}

/** Keys are model ids or id prefixes; the longest matching prefix wins, so dated snapshots resolve. */
export const PRICES: Readonly<Record<string, ModelPrice>> = {
  // OpenAI
  'gpt-5': { input: 1.25, output: 10, cacheRead: 0.125 },
  'gpt-5-mini': { input: 0.25, output: 2, cacheRead: 0.025 },
  'gpt-5-nano': { input: 0.05, output: 0.4, cacheRead: 0.005 },
  'gpt-5-pro': { input: 15, output: 120 },
  'gpt-4.1': { input: 2, output: 8, cacheRead: 0.5 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cacheRead: 0.1 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cacheRead: 0.025 },
  'gpt-4o': { input: 2.5, output: 10, cacheRead: 1.25 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cacheRead: 0.075 },
  'gpt-4-turbo': { input: 10, output: 30 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  o1: { input: 15, output: 60, cacheRead: 7.5 },
  'o1-mini': { input: 1.1, output: 4.4, cacheRead: 0.55 },
  o3: { input: 2, output: 8, cacheRead: 0.5 },
  'o3-pro': { input: 20, output: 80 },
  'o3-mini': { input: 1.1, output: 4.4, cacheRead: 0.55 },
  'o4-mini': { input: 1.1, output: 4.4, cacheRead: 0.275 },
  'text-embedding-3-small': { input: 0.02, output: 0 },
  'text-embedding-3-large': { input: 0.13, output: 0 },
  'text-embedding-ada-002': { input: 0.1, output: 0 },
  // Anthropic
  'claude-opus-4-5': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-opus-4-1': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'claude-opus-4': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'claude-sonnet-4-5': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-sonnet-4': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-haiku-4-5': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  'claude-3-7-sonnet': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-3-5-sonnet': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
  'claude-3-haiku': { input: 0.25, output: 1.25, cacheRead: 0.03, cacheWrite: 0.3 },
  'claude-3-opus': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  // Google (prompts up to 200k tokens)
  'gemini-3-pro': { input: 2, output: 12, cacheRead: 0.2 },
  'gemini-2.5-pro': { input: 1.25, output: 10, cacheRead: 0.125 },
  'gemini-2.5-flash': { input: 0.3, output: 2.5, cacheRead: 0.03 },
  'gemini-2.5-flash-lite': { input: 0.1, output: 0.4, cacheRead: 0.01 },
  'gemini-2.0-flash': { input: 0.1, output: 0.4, cacheRead: 0.025 },
  'gemini-2.0-flash-lite': { input: 0.075, output: 0.3 },
  'gemini-1.5-pro': { input: 1.25, output: 5 },
  'gemini-1.5-flash': { input: 0.075, output: 0.3 },
};

const KEYS_LONGEST_FIRST = Object.keys(PRICES).sort((a, b) => b.length - a.length);

/**
 * Model ids already resolved: a dated snapshot id walks the table by prefix,
 * and both the SDK (every LLM call) and the collector (every unpriced span)
 * price the same few ids again and again. Bounded, since the collector reads
 * ids off the wire; past the bound an id is resolved each time.
 */
const resolved = new Map<string, ModelPrice | null>();
const MAX_RESOLVED = 1024;

/** Resolves a model id (dated snapshot, `provider/` or `models/` prefix) to its price, or null when unknown. */
export function priceFor(model: string): ModelPrice | null {
  let price = resolved.get(model);
  if (price === undefined) {
    price = resolve(model);
    if (resolved.size < MAX_RESOLVED) resolved.set(model, price);
  }
  return price;
}

function resolve(model: string): ModelPrice | null {
  const id = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  // Own keys only: a model named "constructor" or "__proto__" must not price as Object.prototype.
  if (Object.hasOwn(PRICES, id)) return PRICES[id]!;
  for (const key of KEYS_LONGEST_FIRST) {
    if (id.startsWith(key) && /^[-@.:]/.test(id.slice(key.length))) return PRICES[key] ?? null;
  }
  return null;
}

export interface TokenUsage {
  /** All input tokens, cached ones included (gen_ai semconv). */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

/** Cost in USD of one call, or null when the model is not in the table (unpriced, never 0). */
export function costUsd(model: string, usage: TokenUsage): number | null {
  const price = priceFor(model);
  if (!price) return null;
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const uncached = Math.max(0, usage.inputTokens - cacheRead - cacheWrite);
  const total =
    uncached * price.input +
    cacheRead * (price.cacheRead ?? price.input) +
    cacheWrite * (price.cacheWrite ?? price.input) +
    usage.outputTokens * price.output;
  return total / 1_000_000;
}
