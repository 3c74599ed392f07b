/** Response and parameter schemas of the datasets API. */
import type { DatasetVersionJson } from '@evaltrace/semantic-conventions';
import { z } from '@hono/zod-openapi';
import { DatasetNameSchema } from '../datasets/items.js';

export const NameParam = z.object({ name: DatasetNameSchema.openapi({ param: { name: 'name', in: 'path' } }) });
export const VersionParams = NameParam.extend({ version: z.string().min(1).max(128).openapi({ param: { name: 'version', in: 'path' }, description: 'a label or a content hash' }) });
export const ItemsPage = z
  .object({ limit: z.coerce.number().int().min(1).max(10_000).default(1000), offset: z.coerce.number().int().min(0).default(0) })
  .strict();
export const DiffQuery = z.object({ from: z.string().min(1).max(128), to: z.string().min(1).max(128) }).strict();

export const DatasetVersionSchema = z
  .object({
    dataset: z.string(),
    version: z.string().openapi({ description: 'the label, or the content hash when the version has none' }),
    label: z.string().nullable(),
    content_hash: z.string().openapi({ description: 'sha256 (16 hex digits) over the items sorted by id; what runs record as evaltrace.dataset.version' }),
    item_count: z.number(),
    created_at: z.string(),
  })
  .openapi('DatasetVersion') satisfies z.ZodType<DatasetVersionJson>;

export const ItemSchemaOut = z.object({
  id: z.string(),
  input: z.unknown(),
  expected: z.unknown().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  item_hash: z.string(),
});

export const CreatedSchema = DatasetVersionSchema.extend({ created: z.boolean().openapi({ description: 'false when this content was already stored under this version' }) });
export const DatasetListSchema = z.object({
  datasets: z.array(z.object({ dataset: z.string(), versions: z.number(), latest: DatasetVersionSchema })),
});
export const VersionListSchema = z.object({ dataset: z.string(), versions: z.array(DatasetVersionSchema) });
export const VersionItemsSchema = DatasetVersionSchema.extend({ items: z.array(ItemSchemaOut), limit: z.number(), offset: z.number() });
export const DiffSchema = z.object({
  dataset: z.string(),
  from: DatasetVersionSchema,
  to: DatasetVersionSchema,
  counts: z.object({ added: z.number(), removed: z.number(), changed: z.number(), unchanged: z.number() }),
  added: z.array(ItemSchemaOut),
  removed: z.array(ItemSchemaOut),
  changed: z.array(z.object({ id: z.string(), from: ItemSchemaOut, to: ItemSchemaOut })),
});
