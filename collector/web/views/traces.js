import { api } from '../api.js';
import { card, empty, h, pageHeader } from '../dom.js';
import { filterBar } from '../filters.js';
import * as fmt from '../format.js';
import { href, traceHref, withParams } from '../router.js';
import { dataTable } from '../table.js';
import { pickParams, successBadge, TRACE_FILTER_KEYS, traceFilterFields } from './common.js';

const PAGE = 50;

const COLUMNS = [
  { key: 'trace_id', label: 'Trace', cell: (t) => h('a', { class: 'mono', href: traceHref(t.trace_id) }, fmt.shortId(t.trace_id)) },
  { key: 'start_time', label: 'Started (UTC)', cell: (t) => fmt.dateTime(t.start_time) },
  { key: 'example_id', label: 'Example', cell: (t) => t.example_id || fmt.DASH },
  { key: 'dataset', label: 'Dataset', cell: (t) => fmt.versioned(t.dataset, t.dataset_version) },
  { key: 'model', label: 'Model', cell: (t) => t.model || fmt.DASH },
  { key: 'prompt', label: 'Prompt', cell: (t) => fmt.versioned(t.prompt, t.prompt_version) },
  { key: 'success', label: 'Outcome', cell: (t) => successBadge(t.success) },
  { key: 'latency_ms', label: 'Latency', num: true, cell: (t) => fmt.ms(t.latency_ms) },
  { key: 'tokens', label: 'Tokens in / out', num: true, cell: (t) => `${fmt.count(t.input_tokens)} / ${fmt.count(t.output_tokens)}` },
  { key: 'cost_usd', label: 'Cost', num: true, cell: (t) => fmt.usd(t.cost_usd) },
];

/** Task traces, filtered by versions, newest first (or in trace-id order), paged with the listing's cursor. */
export async function tracesView({ path, params }) {
  const filter = pickParams(params, [...TRACE_FILTER_KEYS, 'since', 'until']);
  const cursor = params.get('cursor') ?? undefined;
  const order = params.get('order') === 'trace_id' ? 'trace_id' : 'newest';
  const [all, page] = await Promise.all([api('/api/triples'), api('/api/traces', { ...filter, cursor, order, limit: PAGE })]);
  const sortLink = (value, text) =>
    value === order ? h('strong', null, text) : h('a', { href: href(path, withParams(params, { order: value, cursor: null })), 'data-testid': `order-${value}` }, text);
  const header = pageHeader(
    'Traces',
    h('span', null, 'Task traces. Open one for its span tree, captured content and evaluations. Sort: ', sortLink('newest', 'newest first'), ' · ', sortLink('trace_id', 'trace id')),
  );
  const filters = filterBar(path, params, traceFilterFields(all.triples));
  const pager = h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    cursor ? h('a', { href: href(path, withParams(params, { cursor: null })) }, '← First page') : null,
    page.next_cursor ? h('a', { href: href(path, withParams(params, { cursor: page.next_cursor })), 'data-testid': 'next-page' }, 'Next page →') : null,
  );
  const body = page.traces.length ? dataTable({ columns: COLUMNS, rows: page.traces, testid: 'traces' }) : empty('No trace matches these filters.');
  return h('div', null, header, filters, card(null, body, pager));
}
