/**
 * Dataset items and their hashes. An item is `{id?, input, expected?,
 * metadata?}`; without an id it is named by its input's hash, so the id is
 * stable wherever the item moves. A version's content hash covers the items
 * sorted by id, so the order of an upload does not change it.
 */
import { z } from '@hono/zod-openapi';
import { canonicalJson, shortHash } from '../canonical-json.js';
import { DomainError } from '../errors.js';

export const NAME_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
export const MAX_ITEMS = 100_000;

export const DatasetNameSchema = z
  .string()
  .regex(NAME_PATTERN, 'must be 1–128 letters, digits, dots, dashes or underscores')
  .openapi({ example: 'support-qa' });

export const ItemSchema = z
  .object({
    id: z.union([z.string().min(1).max(512), z.number().finite()]).optional(),
    input: z.unknown().refine((v) => v !== undefined, 'is required'),
    expected: z.unknown().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type ItemInput = z.infer<typeof ItemSchema>;

/** An item as stored: every value as canonical JSON. */
export interface StoredItemRow {
  item_id: string;
  position: number;
  input: string;
  expected: string;
  metadata: string;
  item_hash: string;
}

/** The stored rows of an upload, with its content hash. Duplicate ids are the caller's mistake. */
export function normalizeItems(items: readonly ItemInput[]): { rows: StoredItemRow[]; contentHash: string } {
  if (items.length > MAX_ITEMS) throw new DomainError('too_large', 'too_many_items', `a version holds at most ${MAX_ITEMS} items; got ${items.length}`);
  const seen = new Set<string>();
  const rows = items.map((item, position) => {
    const input = canonicalJson(item.input);
    const itemId = item.id === undefined ? `h${shortHash(input)}` : String(item.id);
    if (seen.has(itemId)) {
      const what = item.id === undefined ? `items ${itemId} (no id: named by the hash of an input that another item has too)` : `id ${JSON.stringify(itemId)}`;
      throw new DomainError('invalid', 'duplicate_item', `item ${position}: duplicate ${what}; every item of a version needs its own id`);
    }
    seen.add(itemId);
    const expected = item.expected === undefined ? '' : canonicalJson(item.expected);
    const metadata = canonicalJson(item.metadata ?? {});
    return { item_id: itemId, position, input, expected, metadata, item_hash: shortHash(`${input}\u0000${expected}\u0000${metadata}`) };
  });
  const content = [...rows].sort((a, b) => (a.item_id < b.item_id ? -1 : a.item_id > b.item_id ? 1 : 0)).map((r) => `${r.item_id}\u0000${r.item_hash}`);
  return { rows, contentHash: shortHash(content.join('\n')) };
}

/** A stored item as the API shows it: values parsed back. */
export function itemOf(r: Pick<StoredItemRow, 'item_id' | 'input' | 'expected' | 'metadata' | 'item_hash'>) {
  return {
    id: r.item_id,
    input: JSON.parse(r.input) as unknown,
    expected: r.expected === '' ? null : (JSON.parse(r.expected) as unknown),
    metadata: JSON.parse(r.metadata) as Record<string, unknown>,
    item_hash: r.item_hash,
  };
}
export type Item = ReturnType<typeof itemOf>;
