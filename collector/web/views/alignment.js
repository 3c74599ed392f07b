/** `#/alignment?judge=&evaluation=&reference_version=&<filters>`: which version of a judge agrees best with a person's labels. */
import { api } from '../api.js';
import { card, empty, h, pageHeader } from '../dom.js';
import { distinct, filterBar } from '../filters.js';
import * as fmt from '../format.js';
import { href } from '../router.js';
import { dataTable } from '../table.js';
import { judgeKeys, kappaWords, pickParams, TRACE_FILTER_KEYS, tiles, traceFilterFields } from './common.js';

const REFERENCE = 'human';
const FILTER_KEYS = [...TRACE_FILTER_KEYS, 'since', 'until'];

function versionsTable(body, params) {
  const compare = (v) =>
    href('/compare/judges', {
      ...pickParams(params, FILTER_KEYS),
      judge: body.judge,
      reference: body.reference,
      a: body.reference_version,
      b: v.version,
      evaluation: body.evaluation,
      ...(body.reference_evaluation === body.evaluation ? {} : { reference_evaluation: body.reference_evaluation }),
    });
  const num = (v, f) => (v.ranked ? f : h('span', { class: 'muted' }, fmt.DASH));
  return dataTable({
    testid: 'alignment',
    rows: body.versions,
    rowAttrs: (v) => ({ 'data-version': v.version, class: v.ranked ? (v.version === body.best ? 'best' : '') : 'muted' }),
    columns: [
      { key: 'version', label: 'Judge version', cell: (v) => h('span', null, h('strong', null, v.version), v.version === body.best ? [' ', h('span', { class: 'badge ok', 'data-testid': 'best' }, 'agrees best')] : null) },
      { key: 'n', label: 'Labelled by both', num: true, cell: (v) => fmt.count(v.n_labeled) },
      { key: 'kappa', label: "Cohen's κ", num: true, cell: (v) => num(v, h('span', { title: kappaWords(v.cohen_kappa) ?? '' }, fmt.isNum(v.cohen_kappa) ? v.cohen_kappa.toFixed(3) : fmt.DASH)) },
      { key: 'agreement', label: 'Agreement', num: true, cell: (v) => num(v, fmt.pct(v.agreement)) },
      { key: 'precision', label: 'Precision', num: true, cell: (v) => num(v, fmt.pct(v.precision)) },
      { key: 'recall', label: 'Recall', num: true, cell: (v) => num(v, fmt.pct(v.recall)) },
      { key: 'f1', label: 'F1', num: true, cell: (v) => num(v, fmt.isNum(v.f1) ? v.f1.toFixed(3) : fmt.DASH) },
      { key: 'delta', label: 'Mean Δ score', num: true, cell: (v) => num(v, h('span', { class: 'stack' }, fmt.delta(v.mean_delta), h('span', { class: 'ci' }, fmt.interval(v.ci95)))) },
      { key: 'why', label: 'Note', wrap: true, cell: (v) => (v.reason ? h('span', { class: 'muted', 'data-testid': 'reason' }, v.reason) : h('a', { href: compare(v) }, 'disagreements →')) },
    ],
  });
}

export async function alignmentView({ path, params }) {
  const header = pageHeader('Judge alignment', 'Every version of a judge against one person’s labels (judge human), ranked by Cohen’s κ: the version to trust is the one that agrees best with people.');
  const all = (await api('/api/triples')).triples;
  const judged = judgeKeys(all);
  const annotators = distinct(judged.filter((j) => j.judge === REFERENCE), (j) => j.judge_version);
  const names = distinct(judged.filter((j) => j.judge !== REFERENCE), (j) => j.judge);
  if (annotators.length === 0) return h('div', null, header, empty('No one has labelled a trace yet: label some on a trace page or in the Label queue, then come back.'), h('a', { href: href('/label', {}) }, 'Label traces →'));
  if (names.length === 0) return h('div', null, header, empty('No judge has evaluated any trace yet.'));
  const judge = params.get('judge') ?? names[0];
  const evaluations = distinct(judged.filter((j) => j.judge === judge), (j) => j.evaluation);
  const evaluation = params.get('evaluation') ?? evaluations[0];
  const referenceVersion = params.get('reference_version') ?? annotators[0];
  const minLabels = params.get('min_labels') ?? undefined;
  const filters = filterBar(path, params, [
    { key: 'judge', label: 'Judge', all: false, options: names, value: judge, resets: ['evaluation'] },
    { key: 'evaluation', label: 'Evaluation', all: false, options: evaluations, value: evaluation },
    { key: 'reference_version', label: 'Annotator', all: false, options: annotators, value: referenceVersion },
    ...traceFilterFields(all),
  ]);
  const body = await api('/api/judges/alignment', {
    judge,
    evaluation,
    reference: REFERENCE,
    reference_version: referenceVersion,
    reference_evaluation: params.get('reference_evaluation') ?? undefined,
    min_labels: minLabels,
    ...pickParams(params, FILTER_KEYS),
  });
  const best = body.versions.find((v) => v.version === body.best);
  const summary = tiles([
    { label: 'Agrees best', value: body.best ?? fmt.DASH, hint: body.best_reason, testid: 'tile-best' },
    { label: "Its Cohen's κ", value: best ? best.cohen_kappa.toFixed(3) : fmt.DASH, hint: best ? kappaWords(best.cohen_kappa) : null, testid: 'tile-best-kappa' },
    { label: 'Versions ranked', value: `${body.versions.filter((v) => v.ranked).length} of ${body.versions.length}`, hint: `a version needs ${body.min_labels} traces labelled by both`, testid: 'tile-ranked' },
  ]);
  return h(
    'div',
    null,
    header,
    filters,
    summary,
    card(`${judge} · ${evaluation} against ${REFERENCE} ${referenceVersion}`, versionsTable(body, params)),
  );
}
