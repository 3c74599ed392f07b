import type { DatasetVersionJson } from '@evaltrace/semantic-conventions';
/**
 * Stored datasets: versions are immutable. A version is its content hash, or
 * a label naming one content for good; writing the same content again is a
 * no-op, and a label cannot move to other content.
 */
import { DomainError } from '../errors.js';
import { toClickHouseTime, nowMicros, toIso } from '../clock.js';
import { serializer } from '../serial.js';
import type { Store } from '../store/types.js';
import { type Item, type ItemInput, itemOf, normalizeItems, type StoredItemRow } from './items.js';

export type DatasetVersion = DatasetVersionJson;

interface VersionRow {
  dataset: string;
  version: string;
  label: string;
  content_hash: string;
  item_count: number | string;
  created_us: number | string;
}

const versionOf = (r: VersionRow): DatasetVersion => ({
  dataset: r.dataset,
  version: r.version,
  label: r.label === '' ? null : r.label,
  content_hash: r.content_hash,
  item_count: Number(r.item_count),
  created_at: toIso(String(r.created_us)),
});

const VERSIONS = `
SELECT dataset, version, label, content_hash, item_count, toUnixTimestamp64Micro(created_at) AS created_us
FROM dataset_versions WHERE project = {project:String}`;

/** Writes of one dataset run one at a time in this process: a label's check and its write are not interleaved. */
const serialized = serializer();

export async function listVersions(store: Store, project: string, dataset?: string): Promise<DatasetVersion[]> {
  const rows = await store.query<VersionRow>(
    `${VERSIONS} ${dataset === undefined ? '' : 'AND dataset = {dataset:String}'}
     ORDER BY created_at DESC, version LIMIT 1 BY dataset, version`,
    { project, ...(dataset === undefined ? {} : { dataset }) },
  );
  return rows.map(versionOf);
}

/** A version by its id: a label or a content hash (a hash also finds a labelled version of that content). */
export async function findVersion(store: Store, project: string, dataset: string, version: string): Promise<DatasetVersion | undefined> {
  const rows = await store.query<VersionRow>(
    `${VERSIONS} AND dataset = {dataset:String} AND (version = {version:String} OR content_hash = {version:String})
     ORDER BY version = {version:String} DESC, created_at LIMIT 1`,
    { project, dataset, version },
  );
  return rows[0] ? versionOf(rows[0]) : undefined;
}

export async function createVersion(
  store: Store,
  project: string,
  dataset: string,
  upload: { label?: string; items: ItemInput[] },
): Promise<{ version: DatasetVersion; created: boolean }> {
  const { rows, contentHash } = normalizeItems(upload.items);
  const versionId = upload.label ?? contentHash;
  return serialized(`${project}\u0000${dataset}`, async () => {
    const existing = (await store.query<VersionRow>(`${VERSIONS} AND dataset = {dataset:String} AND version = {version:String} LIMIT 1`, { project, dataset, version: versionId }))[0];
    if (existing) {
      if (existing.content_hash === contentHash) return { version: versionOf(existing), created: false };
      throw new DomainError('conflict',
        'version_exists',
        `dataset ${dataset} already has version ${versionId} with content ${existing.content_hash}; this upload's content is ${contentHash}. Versions are immutable: use a new label, or none (the content hash is then the version)`,
      );
    }
    const stored = await store.query<{ n: number | string }>(
      'SELECT count() AS n FROM dataset_versions WHERE project = {project:String} AND dataset = {dataset:String} AND content_hash = {hash:String}',
      { project, dataset, hash: contentHash },
    );
    // Items are stored once per content; the version row comes after them, so a readable version has every item.
    if (Number(stored[0]?.n ?? 0) === 0 && rows.length > 0) {
      await store.insert('dataset_items', rows.map((r) => ({ project, dataset, content_hash: contentHash, ...r })));
    }
    const at = nowMicros();
    const row = { project, dataset, version: versionId, label: upload.label ?? '', content_hash: contentHash, item_count: rows.length, created_at: toClickHouseTime(at) };
    await store.insert('dataset_versions', [row]);
    return { version: versionOf({ ...row, created_us: at.toString() }), created: true };
  });
}

type ItemRow = Pick<StoredItemRow, 'item_id' | 'input' | 'expected' | 'metadata' | 'item_hash'>;

/** Items of a content, in upload order; `page` bounds them. */
export async function loadItems(store: Store, project: string, dataset: string, contentHash: string, page?: { limit: number; offset: number }): Promise<Item[]> {
  const rows = await store.query<ItemRow>(
    `SELECT item_id, input, expected, metadata, item_hash FROM (
       SELECT * FROM dataset_items WHERE project = {project:String} AND dataset = {dataset:String} AND content_hash = {hash:String}
       LIMIT 1 BY item_id)
     ORDER BY position ${page ? 'LIMIT {limit:UInt32} OFFSET {offset:UInt32}' : ''}`,
    { project, dataset, hash: contentHash, ...(page ?? {}) },
  );
  return rows.map(itemOf);
}

/** A version with all its items, by label or content hash; undefined when the project has no such version. */
export async function loadDatasetVersion(store: Store, project: string, dataset: string, version: string): Promise<(DatasetVersion & { items: Item[] }) | undefined> {
  const v = await findVersion(store, project, dataset, version);
  if (!v) return undefined;
  return { ...v, items: await loadItems(store, project, dataset, v.content_hash) };
}

export interface DatasetDiff {
  dataset: string;
  from: DatasetVersion;
  to: DatasetVersion;
  counts: { added: number; removed: number; changed: number; unchanged: number };
  added: Item[];
  removed: Item[];
  changed: Array<{ id: string; from: Item; to: Item }>;
}

/** Items added, removed and changed (same id, other input, expected or metadata) from one version to another. */
export async function diffVersions(store: Store, project: string, dataset: string, from: DatasetVersion, to: DatasetVersion): Promise<DatasetDiff> {
  const [a, b] = await Promise.all([loadItems(store, project, dataset, from.content_hash), loadItems(store, project, dataset, to.content_hash)]);
  const before = new Map(a.map((i) => [i.id, i]));
  const after = new Map(b.map((i) => [i.id, i]));
  const changed = b.flatMap((i) => {
    const old = before.get(i.id);
    return old && old.item_hash !== i.item_hash ? [{ id: i.id, from: old, to: i }] : [];
  });
  const added = b.filter((i) => !before.has(i.id));
  const removed = a.filter((i) => !after.has(i.id));
  return {
    dataset,
    from,
    to,
    counts: { added: added.length, removed: removed.length, changed: changed.length, unchanged: b.length - added.length - changed.length },
    added,
    removed,
    changed,
  };
}
