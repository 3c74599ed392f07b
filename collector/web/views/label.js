/** `#/label?annotator=&<filters>`: the labelling queue, one unlabelled trace at a time. */
import { api } from '../api.js';
import { card, empty, h, pageHeader } from '../dom.js';
import * as fmt from '../format.js';
import { href, navigate, traceHref } from '../router.js';
import { contentText, pickParams, TRACE_FILTER_KEYS } from './common.js';
import { annotationForm } from './trace.js';

const FILTER_KEYS = [...TRACE_FILTER_KEYS, 'run', 'config'];

export async function labelView({ path, params }) {
  const header = pageHeader('Label traces', 'Task traces you have not labelled yet, one at a time; each label is an evaluation of judge human whose version is your name.');
  const annotator = params.get('annotator') ?? '';
  const evaluation = params.get('evaluation') ?? 'quality';
  if (!annotator) {
    const input = h('input', { name: 'annotator', required: true, value: localStorage.getItem('evaltrace.annotator') ?? '', placeholder: 'your name' });
    const onsubmit = (e) => {
      e.preventDefault();
      navigate(path, { ...Object.fromEntries(params.entries()), annotator: input.value.trim() });
    };
    return h('div', null, header, card(null, h('form', { class: 'filters', 'data-testid': 'annotator-form', onsubmit }, h('label', { class: 'filter' }, h('span', null, 'Annotator'), input), h('button', { type: 'submit', class: 'primary' }, 'Start'))));
  }
  const filter = pickParams(params, FILTER_KEYS);
  const { traces } = await api('/api/annotations/queue', { ...filter, annotator, evaluation, limit: 1 });
  const scope = Object.entries(filter).map(([k, v]) => `${k} ${v}`).join(', ') || 'all task traces';
  if (traces.length === 0) return h('div', null, header, empty(`Nothing left to label for ${annotator} (${evaluation}) in ${scope}.`), h('a', { href: href(path, filter) }, 'Label as someone else'));
  const t = traces[0];
  return h(
    'div',
    null,
    header,
    h('p', { 'data-testid': 'queue-scope' }, `${annotator} · ${evaluation} · ${scope}`),
    card(
      h('span', null, 'Trace ', h('a', { class: 'mono', href: traceHref(t.trace_id), 'data-testid': 'queue-trace' }, fmt.shortId(t.trace_id)), ` · ${fmt.versioned(t.dataset, t.dataset_version)} · item ${t.example_id || fmt.DASH} · ${t.model || fmt.DASH}`),
      h('div', { class: 'grid-2 io' }, h('div', null, h('h3', null, 'Input'), h('pre', { class: 'content', 'data-testid': 'queue-input' }, contentText(t.input))), h('div', null, h('h3', null, 'Output'), h('pre', { class: 'content', 'data-testid': 'queue-output' }, contentText(t.output)))),
    ),
    card('Your label', annotationForm(t, annotator)),
  );
}
