/** The span tree of one trace as a waterfall: nesting, timings, model, tokens, cost; a row opens its attributes. */
import { h } from '../dom.js';
import * as fmt from '../format.js';
import { traceHref } from '../router.js';

const KIND = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

/** Depth-first order, children by start time; spans whose parent is missing count as roots. */
export function treeOrder(spans) {
  const ids = new Set(spans.map((sp) => sp.span_id));
  const children = new Map();
  const roots = [];
  const byStart = (a, b) => a.start_time.localeCompare(b.start_time) || a.span_id.localeCompare(b.span_id);
  for (const sp of spans) {
    if (sp.parent_span_id && ids.has(sp.parent_span_id)) children.set(sp.parent_span_id, [...(children.get(sp.parent_span_id) ?? []), sp]);
    else roots.push(sp);
  }
  const out = [];
  const visit = (sp, depth) => {
    out.push({ span: sp, depth });
    for (const c of (children.get(sp.span_id) ?? []).sort(byStart)) visit(c, depth + 1);
  };
  for (const r of roots.sort(byStart)) visit(r, 0);
  return out;
}

function keyValues(title, obj) {
  const entries = Object.entries(obj ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return null;
  return h('div', { class: 'kv-block' }, h('h4', null, title), h('table', { class: 'kv' }, h('tbody', null, entries.map(([k, v]) => h('tr', null, h('th', null, k), h('td', null, h('pre', null, v)))))));
}

function details(sp) {
  return h(
    'div',
    { class: 'span-details' },
    h('p', { class: 'muted mono' }, `span ${sp.span_id} · ${KIND[sp.kind] ?? sp.kind}${sp.cost_source ? ` · cost: ${sp.cost_source}` : ''}${sp.status_message ? ` · ${sp.status_message}` : ''}`),
    keyValues('Attributes', sp.attributes),
    sp.events?.length
      ? h('div', { class: 'kv-block' }, h('h4', null, 'Events'), sp.events.map((e) => keyValues(`${e.name} · ${fmt.dateTime(e.time)}`, e.attributes)))
      : null,
    sp.links?.length
      ? h('div', { class: 'kv-block' }, h('h4', null, 'Links'), h('ul', null, sp.links.map((l) => h('li', null, h('a', { class: 'mono', href: traceHref(l.trace_id) }, `${l.trace_id} / ${l.span_id}`)))))
      : null,
    keyValues('Resource', sp.resource_attributes),
  );
}

export function spanTree(spans) {
  const rows = treeOrder(spans);
  const t0 = Math.min(...spans.map((sp) => Date.parse(sp.start_time)));
  const t1 = Math.max(...spans.map((sp) => Date.parse(sp.start_time) + sp.duration_ms));
  const total = Math.max(t1 - t0, 1e-3);
  const body = h('tbody');
  for (const { span: sp, depth } of rows) {
    const left = ((Date.parse(sp.start_time) - t0) / total) * 100;
    const width = Math.max((sp.duration_ms / total) * 100, 0.4);
    const kind = sp.is_evaluation ? 'evaluation' : sp.is_llm ? 'llm' : 'other';
    const detailRow = h('tr', { class: 'span-detail-row', hidden: true }, h('td', { colspan: 7, class: 'wrap' }, details(sp)));
    const toggle = h('button', { type: 'button', class: 'span-toggle', 'aria-expanded': 'false', style: { paddingLeft: `${depth * 18}px` } }, h('span', { class: `dot ${kind}` }), sp.name);
    toggle.addEventListener('click', () => {
      detailRow.hidden = !detailRow.hidden;
      toggle.setAttribute('aria-expanded', String(!detailRow.hidden));
    });
    body.append(
      h(
        'tr',
        { class: `span-row${sp.status_code === 2 ? ' error' : ''}`, 'data-span-id': sp.span_id },
        h('td', { class: 'span-name' }, toggle),
        h('td', null, sp.model || ''),
        h('td', { class: 'num' }, sp.is_llm ? fmt.count(sp.input_tokens) : ''),
        h('td', { class: 'num' }, sp.is_llm ? fmt.count(sp.output_tokens) : ''),
        h('td', { class: 'num' }, sp.is_llm ? fmt.usd(sp.cost_usd) : ''),
        h('td', { class: 'num' }, fmt.ms(sp.duration_ms)),
        h('td', { class: 'timeline' }, h('div', { class: 'track' }, h('div', { class: `span-bar ${kind}`, style: { left: `${left}%`, width: `${Math.min(width, 100 - left)}%` } }))),
      ),
      detailRow,
    );
  }
  const head = ['Span', 'Model', 'In', 'Out', 'Cost', 'Duration', `Timeline (${fmt.ms(total)})`].map((l, i) => h('th', { class: i >= 2 && i <= 5 ? 'num' : null, scope: 'col' }, l));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data span-tree', 'data-testid': 'span-tree' }, h('thead', null, h('tr', null, head)), body));
}
