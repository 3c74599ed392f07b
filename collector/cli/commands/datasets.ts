/** `evaltrace datasets …`: stored, content-addressed dataset versions from the command line. */
import { extname } from 'node:path';
import type { z } from '@hono/zod-openapi';
import type { CreatedSchema, DatasetListSchema, DiffSchema, ItemSchemaOut, VersionItemsSchema, VersionListSchema } from '../../routes/datasets-schemas.js';
import { CliError } from '../client.js';
import { type Command, fetchAndShow, pick, queryOf, segment, show } from '../command.js';
import { readTextFile } from '../files.js';
import { cell, date, NONE, num } from '../format.js';
import { renderTable } from '../table.js';

type Version = z.infer<typeof VersionListSchema>['versions'][number];
type Item = z.infer<typeof ItemSchemaOut>;

/** The upload's content type by file extension, as POST /api/datasets/{name}/versions reads them. */
const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.jsonl': 'application/x-ndjson',
  '.ndjson': 'application/x-ndjson',
  '.csv': 'text/csv',
};

const CELL = 48;
const shown = (v: unknown) => cell(v, CELL);

const versionRow = (v: Version) => [v.dataset, v.version, v.content_hash, num(v.item_count), date(v.created_at)];
const VERSION_HEADERS = ['dataset', 'version', 'content hash', 'items', 'created'];

function itemsTable(items: readonly Item[]): string {
  return renderTable(['id', 'input', 'expected', 'metadata'], items.map((i) => [i.id, shown(i.input), shown(i.expected), Object.keys(i.metadata).length ? shown(i.metadata) : NONE]));
}

export const datasetsListCommand: Command = {
  args: [],
  summary: 'stored datasets with their latest version; with --dataset, every version of that one',
  options: pick(['dataset']),
  exports: false,
  run: (ctx) => {
    const name = ctx.options.dataset;
    if (typeof name === 'string') {
      return fetchAndShow<z.infer<typeof VersionListSchema>>(ctx, `/api/datasets/${segment(name)}`, {}, (b) => `${renderTable(VERSION_HEADERS, b.versions.map(versionRow))}\n`);
    }
    return fetchAndShow<z.infer<typeof DatasetListSchema>>(ctx, '/api/datasets', {}, (b) =>
      b.datasets.length === 0
        ? 'no datasets stored; push one with "evaltrace datasets push NAME FILE"\n'
        : `${renderTable(['dataset', 'versions', 'latest', 'content hash', 'items', 'created'], b.datasets.map((d) => [d.dataset, num(d.versions), ...versionRow(d.latest).slice(1)]))}\n`,
    );
  },
};

export const datasetsPushCommand: Command = {
  args: ['NAME', 'FILE'],
  summary: 'store FILE (.json {label?, items} or [items], .jsonl, .csv) as a version of dataset NAME; the version is its content hash unless --label names it',
  options: { label: { type: 'string', description: 'name the version (a label cannot be reused for other content)' } },
  exports: false,
  async run(ctx) {
    const [name, file] = ctx.args as [string, string];
    const contentType = CONTENT_TYPES[extname(file).toLowerCase()];
    if (!contentType) throw new CliError(`cannot tell the format of ${file}: name it .json, .jsonl, .ndjson or .csv`, 2);
    const body = readTextFile(file);
    const query = queryOf(ctx, ['label']);
    const res = await ctx.client.upload<z.infer<typeof CreatedSchema>>(`/api/datasets/${segment(name)}/versions`, body, contentType, query);
    show(ctx, res, (v) =>
      `${v.created ? 'stored' : 'already stored, unchanged:'} dataset ${v.dataset} version ${v.version} (content hash ${v.content_hash}, ${num(v.item_count)} items)\n`,
    );
  },
};

export const datasetsShowCommand: Command = {
  args: ['NAME', 'VERSION'],
  summary: 'one dataset version (a label or content hash) with its items in upload order, a page at a time',
  options: {
    limit: { type: 'string', description: 'items per page (default 1000)' },
    offset: { type: 'string', description: 'skip this many items first' },
  },
  exports: false,
  run: (ctx) =>
    fetchAndShow<z.infer<typeof VersionItemsSchema>>(ctx, `/api/datasets/${segment(ctx.args[0])}/versions/${segment(ctx.args[1])}`, queryOf(ctx, ['limit', 'offset']), (v) => {
      const head = `dataset ${v.dataset} version ${v.version} (content hash ${v.content_hash}, ${num(v.item_count)} items, created ${date(v.created_at)})\n`;
      const range = `items ${v.offset + 1}–${v.offset + v.items.length} of ${v.item_count}\n`;
      const more = v.offset + v.items.length < v.item_count ? `more: --offset ${v.offset + v.items.length}\n` : '';
      return v.items.length === 0 ? `${head}no items at offset ${v.offset}\n` : `${head}${range}${itemsTable(v.items)}\n${more}`;
    }),
};

export const datasetsDiffCommand: Command = {
  args: ['NAME', 'FROM', 'TO'],
  summary: 'items added, removed and changed from version FROM to version TO of dataset NAME',
  options: {},
  exports: false,
  run: (ctx) =>
    fetchAndShow<z.infer<typeof DiffSchema>>(ctx, `/api/datasets/${segment(ctx.args[0])}/diff`, { from: ctx.args[1], to: ctx.args[2] }, (d) => {
      const c = d.counts;
      const head = `dataset ${d.dataset}: ${d.from.version} → ${d.to.version}: ${c.added} added, ${c.removed} removed, ${c.changed} changed, ${c.unchanged} unchanged\n`;
      const blocks = [
        d.added.length ? `\nadded:\n${itemsTable(d.added)}\n` : '',
        d.removed.length ? `\nremoved:\n${itemsTable(d.removed)}\n` : '',
        d.changed.length
          ? `\nchanged:\n${renderTable(
              ['id', 'input', 'expected', 'was: input', 'was: expected'],
              d.changed.map((x) => [x.id, shown(x.to.input), shown(x.to.expected), shown(x.from.input), shown(x.from.expected)]),
            )}\n`
          : '',
      ];
      return head + blocks.join('');
    }),
};
