import { api, postJson } from '../api.js';
import { card, empty, h, pageHeader } from '../dom.js';
import * as fmt from '../format.js';
import { traceHref } from '../router.js';
import { dataTable } from '../table.js';
import { passBadge, successBadge } from './common.js';
import { spanTree } from './span-tree.js';

/** Content attributes, task-level first, then the first LLM call's input and the last one's output. */
function capturedContent(spans) {
  const root = spans.find((sp) => !sp.parent_span_id) ?? spans[0];
  const llm = spans.filter((sp) => sp.is_llm && !sp.is_evaluation).sort((a, b) => a.start_time.localeCompare(b.start_time));
  return {
    input: root?.attributes['evaltrace.task.input'] || llm[0]?.attributes['gen_ai.input.messages'] || null,
    output: root?.attributes['evaltrace.task.output'] || llm.at(-1)?.attributes['gen_ai.output.messages'] || null,
  };
}

/** JSON is shown indented; anything else as sent. */
function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function fact(label, value) {
  return h('div', null, h('dt', null, label), h('dd', null, value));
}

const EVAL_COLUMNS = [
  { key: 'judge', label: 'Judge', cell: (e) => fmt.versioned(e.judge, e.judge_version) },
  { key: 'evaluation', label: 'Evaluation', cell: (e) => e.evaluation },
  { key: 'score', label: 'Score', num: true, cell: (e) => fmt.score(e.score) },
  { key: 'label', label: 'Verdict', cell: (e) => passBadge(e.passed, e.label) },
  { key: 'explanation', label: 'Explanation', wrap: true, cell: (e) => h('div', { class: 'explanation' }, e.explanation || fmt.DASH) },
  { key: 'judge_model', label: 'Judge model', cell: (e) => e.judge_model || fmt.DASH },
  { key: 'time', label: 'Judged (UTC)', cell: (e) => fmt.dateTime(e.time) },
  {
    key: 'source',
    label: 'Judge trace',
    cell: (e) => (/^[0-9a-f]{32}$/.test(e.evaluation_trace_id ?? '') ? h('a', { class: 'mono', href: traceHref(e.evaluation_trace_id) }, fmt.shortId(e.evaluation_trace_id)) : e.source),
  },
];

/** One trace: versions, totals, captured content, span waterfall and every evaluation of it. */
export async function traceView({ args }) {
  const id = args[0].toLowerCase();
  const t = await api(`/api/traces/${id}`);
  const content = capturedContent(t.spans);
  const header = pageHeader(
    t.is_task ? 'Task trace' : 'Judge trace',
    null,
    h('p', { class: 'trace-id mono', 'data-testid': 'trace-id' }, t.trace_id),
    h('div', { class: 'badges' }, t.is_task ? successBadge(t.success) : h('span', { class: 'badge' }, 'evaluation')),
  );
  const facts = h(
    'dl',
    { class: 'facts', 'data-testid': 'trace-facts' },
    fact('Dataset', fmt.versioned(t.dataset, t.dataset_version)),
    fact('Example', t.example_id || fmt.DASH),
    fact('Prompt', fmt.versioned(t.prompt, t.prompt_version)),
    fact('Model', t.model || fmt.DASH),
    fact('Run', t.run_id || fmt.DASH),
    fact('Started (UTC)', fmt.dateTime(t.start_time)),
    fact('Latency', fmt.ms(t.latency_ms)),
    fact('Tokens in / out', `${fmt.count(t.input_tokens)} / ${fmt.count(t.output_tokens)}`),
    fact('Cost', fmt.usd(t.cost_usd)),
  );
  const io =
    content.input || content.output
      ? h(
          'div',
          { class: 'grid-2 io' },
          h('div', null, h('h3', null, 'Input'), content.input ? h('pre', { class: 'content', 'data-testid': 'trace-input' }, pretty(content.input)) : empty('Not captured.')),
          h('div', null, h('h3', null, 'Output'), content.output ? h('pre', { class: 'content', 'data-testid': 'trace-output' }, pretty(content.output)) : empty('Not captured.')),
        )
      : empty('No input or output captured on this trace.');
  return h(
    'div',
    null,
    header,
    card('Summary', facts),
    card('Captured content', io),
    card(`Spans (${t.spans.length})`, h('p', { class: 'muted' }, 'Click a span for its attributes, events and links.'), spanTree(t.spans)),
    card(
      `Evaluations (${t.evaluations.length})`,
      t.evaluations.length ? dataTable({ columns: EVAL_COLUMNS, rows: t.evaluations, testid: 'evaluations' }) : empty('No judge has evaluated this trace.'),
    ),
    card('Label this trace', annotationForm(t)),
  );
}

const ANNOTATOR_KEY = 'evaltrace.annotator';

/** A person's verdict, stored as an evaluation of judge `human` whose version is the annotator (POST /api/annotations); the page re-renders once it is saved. */
export function annotationForm(t, annotatorName) {
  const status = h('p', { class: 'form-status', role: 'status', 'data-testid': 'annotation-status' });
  const field = (label, control) => h('label', { class: 'filter' }, h('span', null, label), control);
  const annotator = h('input', { name: 'annotator', required: true, value: annotatorName ?? localStorage.getItem(ANNOTATOR_KEY) ?? '', placeholder: 'your name' });
  const label = h('select', { name: 'label' }, h('option', { value: '' }, '—'), h('option', { value: 'pass' }, 'pass'), h('option', { value: 'fail' }, 'fail'));
  const score = h('input', { name: 'score', type: 'number', step: 'any', placeholder: 'optional' });
  const comment = h('textarea', { name: 'comment', rows: 2, maxlength: 16384, placeholder: 'why (optional)' });
  const onsubmit = async (e) => {
    e.preventDefault();
    const body = { trace_id: t.trace_id, annotator: annotator.value.trim() };
    if (label.value) body.label = label.value;
    if (score.value !== '') body.score = Number(score.value);
    if (comment.value.trim()) body.comment = comment.value.trim();
    status.textContent = 'Saving…';
    try {
      await postJson('/api/annotations', body);
      localStorage.setItem(ANNOTATOR_KEY, body.annotator);
      status.textContent = 'Saved.';
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (err) {
      status.textContent = err.message;
    }
  };
  return h(
    'form',
    { class: 'filters annotation', 'data-testid': 'annotation-form', onsubmit },
    field('Annotator', annotator),
    field('Label', label),
    field('Score', score),
    field('Comment', comment),
    h('button', { type: 'submit', class: 'primary' }, 'Save label'),
    status,
  );
}
