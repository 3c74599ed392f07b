/** Stored datasets: the list, one dataset's versions and items, and the diff of two versions. */
import { api } from '../api.js';
import { card, empty, h, pageHeader } from '../dom.js';
import * as fmt from '../format.js';
import { href } from '../router.js';
import { dataTable } from '../table.js';
import { offsetPager } from './common.js';

const PAGE = 100;

/** A JSON value as short text: strings as they are, anything else as JSON. */
const text = (v) => (v === null || v === undefined ? fmt.DASH : typeof v === 'string' ? v : JSON.stringify(v));
const datasetHref = (name, params = {}) => href(`/datasets/${encodeURIComponent(name)}`, params);

export async function datasetsView() {
  const { datasets } = await api('/api/datasets');
  const columns = [
    { key: 'dataset', label: 'Dataset', cell: (d) => h('a', { href: datasetHref(d.dataset) }, d.dataset) },
    { key: 'versions', label: 'Versions', num: true, cell: (d) => fmt.count(d.versions) },
    { key: 'latest', label: 'Latest version', cell: (d) => d.latest.version },
    { key: 'items', label: 'Items', num: true, cell: (d) => fmt.count(d.latest.item_count) },
    { key: 'created', label: 'Created (UTC)', cell: (d) => fmt.dateTime(d.latest.created_at) },
  ];
  const body = datasets.length
    ? dataTable({ columns, rows: datasets, testid: 'datasets' })
    : empty('No dataset is stored yet. Push one with datasets.push() or POST /api/datasets/{name}/versions.');
  return h('div', null, pageHeader('Datasets', 'Immutable, content-addressed versions: the same items always have the same content hash.'), card(null, body));
}

/** `#/datasets/<name>?version=&offset=`: the versions, and the items of one (the newest by default). */
export async function datasetView({ path, params, args }) {
  const name = decodeURIComponent(args[0]);
  const { versions } = await api(`/api/datasets/${encodeURIComponent(name)}`);
  const chosen = versions.find((v) => v.version === params.get('version')) ?? versions[0];
  const offset = Number(params.get('offset') ?? 0) || 0;
  const page = await api(`/api/datasets/${encodeURIComponent(name)}/versions/${encodeURIComponent(chosen.version)}`, { limit: PAGE, offset });
  const versionColumns = [
    { key: 'version', label: 'Version', cell: (v) => h('a', { href: datasetHref(name, { version: v.version }), 'aria-current': v === chosen ? 'true' : null }, v.version) },
    { key: 'content_hash', label: 'Content hash', cell: (v) => h('span', { class: 'mono' }, v.content_hash) },
    { key: 'items', label: 'Items', num: true, cell: (v) => fmt.count(v.item_count) },
    { key: 'created', label: 'Created (UTC)', cell: (v) => fmt.dateTime(v.created_at) },
    {
      key: 'diff',
      label: 'Diff',
      // Older to newer, whichever of the two is shown (versions come newest first).
      cell: (v) => {
        if (v === chosen) return fmt.DASH;
        const [from, to] = versions.indexOf(v) > versions.indexOf(chosen) ? [v, chosen] : [chosen, v];
        return h('a', { href: href(`/datasets/${encodeURIComponent(name)}/diff`, { from: from.version, to: to.version }) }, `${from.version} → ${to.version}`);
      },
    },
  ];
  const itemColumns = [
    { key: 'id', label: 'Item', cell: (i) => h('span', { class: 'mono' }, i.id) },
    { key: 'input', label: 'Input', wrap: true, cell: (i) => text(i.input) },
    { key: 'expected', label: 'Expected', wrap: true, cell: (i) => text(i.expected) },
    { key: 'metadata', label: 'Metadata', wrap: true, cell: (i) => (Object.keys(i.metadata).length ? JSON.stringify(i.metadata) : fmt.DASH) },
  ];
  const pager = offsetPager(path, params, offset, PAGE, chosen.item_count);
  return h(
    'div',
    null,
    pageHeader(name, `${fmt.count(versions.length)} versions`),
    card('Versions', dataTable({ columns: versionColumns, rows: versions, testid: 'versions' })),
    card(`Items of ${chosen.version} (${fmt.count(chosen.item_count)})`, dataTable({ columns: itemColumns, rows: page.items, testid: 'items' }), pager),
  );
}

/** `#/datasets/<name>/diff?from=&to=`: items added, removed and changed. */
export async function datasetDiffView({ params, args }) {
  const name = decodeURIComponent(args[0]);
  const d = await api(`/api/datasets/${encodeURIComponent(name)}/diff`, { from: params.get('from'), to: params.get('to') });
  const itemColumns = [
    { key: 'id', label: 'Item', cell: (i) => h('span', { class: 'mono' }, i.id) },
    { key: 'input', label: 'Input', wrap: true, cell: (i) => text(i.input) },
    { key: 'expected', label: 'Expected', wrap: true, cell: (i) => text(i.expected) },
  ];
  const changedColumns = [
    { key: 'id', label: 'Item', cell: (c) => h('span', { class: 'mono' }, c.id) },
    { key: 'from', label: `Input in ${d.from.version}`, wrap: true, cell: (c) => text(c.from.input) },
    { key: 'to', label: `Input in ${d.to.version}`, wrap: true, cell: (c) => text(c.to.input) },
    { key: 'expected', label: 'Expected', wrap: true, cell: (c) => `${text(c.from.expected)} → ${text(c.to.expected)}` },
  ];
  const section = (title, rows, columns, testid) => card(`${title} (${fmt.count(rows.length)})`, rows.length ? dataTable({ columns, rows, testid }) : empty('None.'));
  const c = d.counts;
  return h(
    'div',
    null,
    pageHeader(
      `${name}: ${d.from.version} → ${d.to.version}`,
      `${fmt.count(c.added)} added, ${fmt.count(c.removed)} removed, ${fmt.count(c.changed)} changed, ${fmt.count(c.unchanged)} unchanged`,
      h('a', { href: datasetHref(name, { version: d.to.version }) }, 'Back to the dataset'),
    ),
    section('Added', d.added, itemColumns, 'added'),
    section('Removed', d.removed, itemColumns, 'removed'),
    section('Changed', d.changed, changedColumns, 'changed'),
  );
}
