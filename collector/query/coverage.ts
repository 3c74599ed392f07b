/**
 * Frozen-set checks: how a run's items match the stored dataset version it
 * names. A run of a stored version should run every item of it, by the
 * item's id, with the item's input; anything else is reported, item by item.
 */
import { TRUNCATION_MARK } from '@evaltrace/semantic-conventions';
import { canonicalJson } from '../canonical-json.js';
import type { Coverage } from '../contract/runs.js';

/** The ids listed in full; counts are always exact. */
const LISTED = 20;

export interface StoredItem {
  id: string;
  input: unknown;
}

export interface RunItemInput {
  example_id: string;
  /** The captured task input (strings as they are, other values as JSON), or null when not captured. */
  input: string | null;
}

/** Whether a captured input is the stored one: the same string, or JSON of the same value. */
function sameInput(stored: unknown, captured: string): boolean {
  if (typeof stored === 'string') return captured === stored;
  try {
    return canonicalJson(JSON.parse(captured)) === canonicalJson(stored);
  } catch {
    return false;
  }
}

export function coverage(
  version: { dataset: string; version: string; content_hash: string; items: readonly StoredItem[] },
  run: readonly RunItemInput[],
): Coverage {
  const stored = new Map(version.items.map((i) => [i.id, i]));
  const ran = new Set<string>();
  const unknown: string[] = [];
  const differ: string[] = [];
  let checked = 0;
  for (const r of run) {
    if (r.example_id === '' || ran.has(r.example_id)) continue;
    ran.add(r.example_id);
    const item = stored.get(r.example_id);
    if (!item) {
      unknown.push(r.example_id);
      continue;
    }
    if (r.input === null || r.input.endsWith(TRUNCATION_MARK)) continue;
    checked += 1;
    if (!sameInput(item.input, r.input)) differ.push(r.example_id);
  }
  const missing = version.items.filter((i) => !ran.has(i.id)).map((i) => i.id);
  const itemsRun = ran.size - unknown.length;
  const sorted = (xs: string[]) => [...xs].sort().slice(0, LISTED);
  return {
    dataset: version.dataset,
    version: version.version,
    content_hash: version.content_hash,
    items_in_version: version.items.length,
    items_run: itemsRun,
    fraction: version.items.length === 0 ? 0 : itemsRun / version.items.length,
    n_missing: missing.length,
    missing_ids: sorted(missing),
    n_unknown: unknown.length,
    unknown_ids: sorted(unknown),
    inputs_checked: checked,
    n_inputs_differ: differ.length,
    inputs_differ_ids: sorted(differ),
    complete: missing.length === 0 && unknown.length === 0 && differ.length === 0,
  };
}
