import { type TokenUsage, PRICES, costUsd, priceFor } from '../pricing.js';

/**
 * costUsd() for a call, with each model id's price-table entry resolved once:
 * resolving a dated snapshot id (`gpt-4o-mini-2024-07-18`) walks the table by
 * prefix, while a table key prices by exact lookup. Apps use a handful of
 * models, so the memo stays small; it is bounded all the same.
 */
const tableKeys = new Map<string, string | null>();
const MAX_MODELS = 256;

export function callCost(model: string, usage: TokenUsage): number | null {
  let key = tableKeys.get(model);
  if (key === undefined) {
    key = tableKey(model);
    if (tableKeys.size < MAX_MODELS) tableKeys.set(model, key);
  }
  return key === null ? null : costUsd(key, usage);
}

function tableKey(model: string): string | null {
  const price = priceFor(model);
  return price ? (Object.keys(PRICES).find((k) => PRICES[k] === price) ?? null) : null;
}
