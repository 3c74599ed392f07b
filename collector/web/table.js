import { h } from './dom.js';
import { href, withParams } from './router.js';

/** Nulls sort last whichever the direction: a missing cost is never "cheapest". */
function sortRows(rows, value, desc) {
  const known = rows.filter((r) => value(r) !== null && value(r) !== undefined);
  const missing = rows.filter((r) => value(r) === null || value(r) === undefined);
  known.sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return desc ? -c : c;
  });
  return [...known, ...missing];
}

/**
 * A data table. A column is { key, label, num, wrap, value(row), cell(row), title }:
 * `num` right-aligns it in tabular figures, `wrap` lets long text wrap,
 * `value` makes it sortable.
 * With `sortable: { path, params }` the sort lives in the URL
 * (`sort=<key>&dir=asc|desc`), so a sorted table is a shareable link.
 *
 * @param {{ columns: any[], rows: any[], testid?: string, sortable?: { path: string, params: URLSearchParams }, rowAttrs?: (row: any) => object }} options
 */
export function dataTable({ columns, rows, testid, sortable, rowAttrs }) {
  const sortKey = sortable?.params.get('sort') ?? null;
  const desc = sortable?.params.get('dir') === 'desc';
  const sortCol = columns.find((c) => c.key === sortKey && c.value);
  const sorted = sortCol ? sortRows(rows, sortCol.value, desc) : rows;

  const header = columns.map((c) => {
    const active = sortCol === c;
    const label =
      sortable && c.value
        ? h(
            'a',
            { href: href(sortable.path, withParams(sortable.params, { sort: c.key, dir: active && !desc ? 'desc' : 'asc' })) },
            c.label,
            active ? h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, desc ? '▼' : '▲') : null,
          )
        : c.label;
    return h(
      'th',
      { scope: 'col', class: c.num ? 'num' : null, title: c.title, 'aria-sort': active ? (desc ? 'descending' : 'ascending') : null },
      label,
    );
  });
  const body = sorted.map((r) =>
    h('tr', rowAttrs?.(r), columns.map((c) => h('td', { class: c.num ? 'num' : c.wrap ? 'wrap' : null, 'data-col': c.key }, c.cell(r)))),
  );
  return h(
    'div',
    { class: 'table-wrap' },
    h('table', { class: 'data', 'data-testid': testid }, h('thead', null, h('tr', null, header)), h('tbody', null, body)),
  );
}
