import { api } from '../api.js';
import { confusionMatrix, dumbbell } from '../charts.js';
import { card, empty, h, pageHeader } from '../dom.js';
import { distinct, filterBar } from '../filters.js';
import * as fmt from '../format.js';
import { href, traceHref, withParams } from '../router.js';
import { dataTable } from '../table.js';
import { judgeKeys, kappaWords, passBadge, pickParams, TRACE_FILTER_KEYS, tiles, traceFilterFields, tripleLabeler } from './common.js';

const PAGE = 50;

function verdict(version, passed, label, score, explanation) {
  return h(
    'div',
    { class: 'verdict' },
    h('header', null, h('span', null, h('strong', null, version), ' ', passBadge(passed, label)), h('span', { class: 'mono' }, `score ${fmt.score(score)}`)),
    h('div', { class: 'explanation' }, explanation || h('span', { class: 'muted' }, 'no explanation')),
  );
}

function disagreementsTable(body, label) {
  return dataTable({
    testid: 'disagreements',
    rows: body.disagreements,
    rowAttrs: (d) => ({ 'data-trace-id': d.trace_id }),
    columns: [
      { key: 'trace', label: 'Trace', cell: (d) => h('a', { class: 'mono', href: traceHref(d.trace_id) }, fmt.shortId(d.trace_id)) },
      { key: 'task', label: 'Task', cell: (d) => h('span', { class: 'stack left' }, h('span', null, label(d)), h('span', { class: 'ci' }, `example ${d.example_id || fmt.DASH}`)) },
      { key: 'a', label: `Baseline ${body.a}`, wrap: true, cell: (d) => verdict(body.a, d.passed_a, d.label_a, d.score_a, d.explanation_a) },
      { key: 'b', label: `Candidate ${body.b}`, wrap: true, cell: (d) => verdict(body.b, d.passed_b, d.label_b, d.score_b, d.explanation_b) },
    ],
  });
}

function conclusionsTable(body) {
  return dataTable({
    testid: 'judge-conclusions',
    rows: body.conclusions,
    columns: [
      { key: 'dataset', label: 'Dataset', cell: (c) => fmt.versioned(c.dataset, c.dataset_version) },
      { key: 'model', label: 'Model', cell: (c) => c.model },
      { key: 'prompt', label: 'Prompt versions', cell: (c) => `${c.prompt}: ${c.prompt_versions.join(', ')}` },
      { key: 'best_a', label: `Best under ${body.a}`, cell: (c) => c.best_a ?? 'tie' },
      { key: 'best_b', label: `Best under ${body.b}`, cell: (c) => c.best_b ?? 'tie' },
      { key: 'changed', label: 'Winner', cell: (c) => (c.changed ? h('span', { class: 'badge bad' }, 'changes') : h('span', { class: 'badge ok' }, 'same')) },
      { key: 'basis', label: 'By', cell: (c) => (c.basis === 'pass_rate' ? 'pass rate' : 'mean score') },
    ],
  });
}

/** Two versions of one judge on the same traces: agreement, kappa, the confusion matrix and every disagreement. */
export async function compareJudgesView({ path, params }) {
  const all = (await api('/api/triples')).triples;
  const header = pageHeader('Compare judge versions', 'Two versions of a judge on the same stored traces. Deltas are candidate (b) − baseline (a).');
  const judged = judgeKeys(all);
  const names = distinct(judged, (j) => j.judge);
  if (names.length === 0) return h('div', null, header, empty('No judge has evaluated any trace yet.'));
  const judge = params.get('judge') ?? names[0];
  const ofJudge = judged.filter((j) => j.judge === judge);
  const versions = distinct(ofJudge, (j) => j.judge_version);
  // With a reference (e.g. human, from the alignment page), side a is one of its versions: the annotator taken as the truth.
  const reference = params.get('reference') ?? undefined;
  const aVersions = reference ? distinct(judged.filter((j) => j.judge === reference), (j) => j.judge_version) : versions;
  const a = params.get('a') ?? (reference ? aVersions[0] : (versions.at(-2) ?? versions[0]));
  const b = params.get('b') ?? versions.find((v) => v !== a && versions.indexOf(v) > versions.indexOf(a)) ?? versions.find((v) => v !== a);
  const evaluations = distinct(ofJudge, (j) => j.evaluation);
  const evaluation = params.get('evaluation') ?? (evaluations.length > 1 || reference ? evaluations[0] : undefined);
  const filters = filterBar(path, params, [
    { key: 'judge', label: 'Judge', all: false, options: names, value: judge, resets: ['a', 'b', 'evaluation'] },
    { key: 'a', label: reference ? `Reference (${reference})` : 'Baseline (a)', all: false, options: aVersions, value: a },
    { key: 'b', label: 'Candidate (b)', all: false, options: versions, value: b },
    ...(evaluations.length > 1 ? [{ key: 'evaluation', label: 'Evaluation', all: false, options: evaluations, value: evaluation }] : []),
    ...traceFilterFields(all),
  ]);
  if (!b || (!reference && a === b)) return h('div', null, header, filters, empty(`Judge ${judge} needs two different versions to compare.`));

  const cursor = params.get('cursor') ?? undefined;
  const query = { judge, a, b, evaluation, reference, reference_evaluation: params.get('reference_evaluation') ?? undefined };
  const body = await api('/api/compare/judges', { ...query, ...pickParams(params, [...TRACE_FILTER_KEYS, 'since', 'until']), cursor, limit: PAGE });
  if (body.n === 0) return h('div', null, header, filters, empty(`No trace was judged by both ${a} and ${b}${evaluation ? ` on ${evaluation}` : ''}.`));
  const label = tripleLabeler(body.by_triple.length ? body.by_triple : body.disagreements);
  const c = body.confusion;
  const summary = tiles([
    { label: 'Judged by both', value: fmt.count(body.n), hint: body.evaluation ? `evaluation ${body.evaluation}` : null, testid: 'tile-n' },
    { label: 'Agreement', value: fmt.pct(body.agreement), hint: `${fmt.count(body.n_disagreements)} disagreements of ${fmt.count(body.n_labeled)}`, testid: 'tile-agreement' },
    { label: "Cohen's κ", value: fmt.isNum(body.cohen_kappa) ? body.cohen_kappa.toFixed(3) : fmt.DASH, hint: kappaWords(body.cohen_kappa) ?? body.kappa_reason, testid: 'tile-kappa' },
    { label: 'Pearson r', value: fmt.isNum(body.pearson) ? body.pearson.toFixed(3) : fmt.DASH, hint: body.pearson_reason ?? `on ${fmt.count(body.n_scored)} scores`, testid: 'tile-pearson' },
    { label: `Mean Δ (${b} − ${a})`, value: fmt.delta(body.mean_delta), hint: `95% CI ${fmt.interval(body.ci95)}`, testid: 'tile-delta' },
  ]);
  const matrix = confusionMatrix({
    rowLabels: ['pass', 'fail'],
    colLabels: ['pass', 'fail'],
    counts: [
      [c.pass_pass, c.pass_fail],
      [c.fail_pass, c.fail_fail],
    ],
    rowTitle: `${a} (baseline)`,
    colTitle: `${b} (candidate)`,
    caption: 'Blue: both versions agree. Orange: they disagree.',
  });
  const rates = body.by_triple.filter((t) => t.n_labeled > 0);
  const perTriple = rates.length
    ? dumbbell({ rows: rates.map((t) => ({ label: label(t), a: t.pass_rate_a, b: t.pass_rate_b })), names: [a, b], format: fmt.pct, clamp: [0, 1], width: 620, caption: 'Pass rate per triple under each judge version.' })
    : empty('No pass/fail labels from both versions.');
  const pager = h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    cursor ? h('a', { href: href(path, withParams(params, { cursor: null })) }, '← First page') : null,
    body.next_cursor ? h('a', { href: href(path, withParams(params, { cursor: body.next_cursor })), 'data-testid': 'next-page' }, 'More disagreements →') : null,
  );
  return h(
    'div',
    null,
    header,
    filters,
    summary,
    h('div', { class: 'grid-2' }, card('Confusion matrix', matrix), card('Pass rate by triple', perTriple)),
    body.conclusions.length ? card('Does the new judge change which prompt version wins?', conclusionsTable(body)) : null,
    card(
      `Disagreements (${fmt.count(body.n_disagreements)})`,
      body.disagreements.length ? disagreementsTable(body, label) : empty('The two versions agree on every trace.'),
      pager,
    ),
  );
}
