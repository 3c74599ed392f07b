/**
 * Datasets stored on the collector as immutable, content-addressed versions
 * (docs/datasets.md). What `datasets.get` returns runs as it is:
 * `runExperiment({ dataset: await datasets.get('qa') }, fn)` records the
 * version's content hash as the dataset version.
 */
import type { DatasetVersionJson } from '@evaltrace/semantic-conventions';
import { type Connection, collectorRequest } from './collector-api.js';

export interface DatasetItem {
  /** Names the item across versions; default: a hash of its input. */
  id?: string | number;
  input: unknown;
  expected?: unknown;
  metadata?: Record<string, unknown>;
}

export interface PushedVersion {
  name: string;
  /** The label, or the content hash when none was given. */
  version: string;
  contentHash: string;
  itemCount: number;
  /** False when this content was already stored under this version. */
  created: boolean;
}

export interface StoredDataset {
  name: string;
  version: string;
  label: string | null;
  contentHash: string;
  examples: Array<{ id: string; input: unknown; expected: unknown; metadata: Record<string, unknown> }>;
}

/** The datasets API's answer; `created` only on a push. */
type VersionJson = DatasetVersionJson & { created?: boolean };

const PAGE = 10_000;
const path = (name: string) => `/api/datasets/${encodeURIComponent(name)}`;

export const datasets = {
  /** Stores `items` as a version of dataset `name`; pushing the same items again changes nothing. */
  async push(name: string, items: readonly DatasetItem[], options: { label?: string } = {}, conn: Connection = {}): Promise<PushedVersion> {
    const body = JSON.stringify(options.label === undefined ? { items } : { label: options.label, items });
    const v = await collectorRequest<VersionJson>(`${path(name)}/versions`, { method: 'POST', body, contentType: 'application/json' }, conn);
    return { name: v.dataset, version: v.version, contentHash: v.content_hash, itemCount: v.item_count, created: v.created ?? false };
  },

  /** A stored version (by label or content hash; the newest when omitted) with all its items. */
  async get(name: string, version?: string, conn: Connection = {}): Promise<StoredDataset> {
    const id = version ?? (await collectorRequest<{ versions: VersionJson[] }>(path(name), {}, conn)).versions[0]?.version;
    if (id === undefined) throw new Error(`evaltrace: dataset ${name} has no versions`);
    const examples: StoredDataset['examples'] = [];
    let meta: VersionJson | undefined;
    for (let offset = 0; ; offset += PAGE) {
      const page = await collectorRequest<VersionJson & { items: StoredDataset['examples'] }>(
        `${path(name)}/versions/${encodeURIComponent(id)}?limit=${PAGE}&offset=${offset}`,
        {},
        conn,
      );
      meta = page;
      for (const i of page.items) examples.push({ id: i.id, input: i.input, expected: i.expected, metadata: i.metadata });
      if (page.items.length < PAGE) break;
    }
    return { name, version: meta.version, label: meta.label, contentHash: meta.content_hash, examples };
  },
};
