/** Two runs paired by dataset item: deltas (b − a) with 95% CIs, coverage, and the items that got worse first. */
import { api, ApiError } from '../api.js';
import { card, empty, h, pageHeader } from '../dom.js';
import { filterBar } from '../filters.js';
import * as fmt from '../format.js';
import { traceHref } from '../router.js';
import { dataTable } from '../table.js';
import { chosenJudge, contentText, JUDGE_KEYS, judgeKeys, judgeLabel, pickParams, scoreByField, stacked, tiles } from './common.js';
import { defaultPair, runHref } from './runs.js';

function coverageText(label, c) {
  if (!c) return `${label}: its dataset version is not stored here, so coverage is not checked.`;
  if (c.complete) return `${label}: ran every item of ${c.dataset}@${c.version}.`;
  return `${label}: ${fmt.count(c.items_run)} of ${fmt.count(c.items_in_version)} items of ${c.dataset}@${c.version}, ${fmt.count(c.n_missing)} missing, ${fmt.count(c.n_unknown)} unknown, ${fmt.count(c.n_inputs_differ)} with another input.`;
}

const value = (side, metric) => (metric === 'score' ? fmt.score(side.score) : fmt.pct(side[metric]));

export async function compareRunsView({ path, params }) {
  const { runs } = await api('/api/runs');
  const header = pageHeader('Compare runs', 'Paired by dataset item, repeats averaged: every delta is candidate (b) − baseline (a), with its 95% CI.');
  if (runs.length < 2) return h('div', null, header, empty('Two runs are needed to compare.'));
  const ids = runs.map((r) => r.run_id);
  const { a, b } = defaultPair(runs, { a: params.get('a') ?? undefined, b: params.get('b') ?? undefined });
  // The list holds the newest runs only: a run picked by link may be older, so ask for it by name.
  const listed = (id) => runs.find((r) => r.run_id === id);
  const pair = (await Promise.all([a, b].map(async (id) => listed(id) ?? (await api('/api/runs', { run: id })).runs[0] ?? null))).filter(Boolean);
  const judges = judgeKeys(pair);
  const judge = chosenJudge(params, judges);
  const filters = filterBar(path, params, [
    { key: 'a', label: 'Baseline (a)', all: false, options: ids, value: a },
    { key: 'b', label: 'Candidate (b)', all: false, options: ids, value: b },
    ...scoreByField(judges, judge),
  ]);
  if (a === b) return h('div', null, header, filters, empty('Pick two different runs.'));
  let c;
  try {
    // A score the URL names that neither run carries goes to the API as named, which says so (400), rather than silently showing another.
    c = await api('/api/compare/runs', { a, b, ...(judge ?? pickParams(params, JUDGE_KEYS)), ...pickParams(params, ['items']) });
  } catch (err) {
    // A refusal the reader can act on (other dataset contents, a run that is gone) is part of the page, not an error page.
    if (err instanceof ApiError && (err.status === 409 || err.status === 404 || err.status === 400)) {
      const title = err.status === 409 ? 'These runs cannot be paired' : err.status === 404 ? 'Run not found' : 'Cannot compare';
      const hint = err.status === 400 && judges.length > 0 ? h('p', null, 'Choose which score to compare with "Score by" above.') : null;
      return h('div', null, header, filters, h('div', { class: 'error-box', role: 'alert', 'data-testid': 'refusal' }, h('h2', null, title), h('p', null, err.message), hint));
    }
    throw err;
  }
  const s = c.success;
  const cps = c.cost_per_success;
  const summary = tiles([
    { label: 'Paired items', value: fmt.count(c.n_pairs), hint: `${fmt.count(c.unpaired.a_only + c.unpaired.b_only)} unpaired`, testid: 'tile-pairs' },
    c.score
      ? { label: `Δ score · ${judgeLabel(c.score)}`, value: fmt.delta(c.mean_delta), hint: `${fmt.interval(c.ci95)} · p ${fmt.pValue(c.p_value)}`, testid: 'tile-score' }
      : { label: 'Δ score', value: fmt.DASH, hint: 'not judged', testid: 'tile-score' },
    { label: 'Δ pass rate', value: c.pass_rate ? fmt.ppDelta(c.pass_rate.delta) : fmt.DASH, hint: c.pass_rate ? fmt.ppInterval(c.pass_rate.ci95) : 'no labels', testid: 'tile-pass' },
    { label: 'Δ success', value: s ? fmt.ppDelta(s.delta) : fmt.DASH, hint: s ? `${fmt.pct(s.rate_a)} → ${fmt.pct(s.rate_b)} ${fmt.ppInterval(s.ci95)}` : '', testid: 'tile-success' },
    { label: 'Cost / success', value: cps ? `${fmt.usd(cps.a)} → ${fmt.usd(cps.b)}` : fmt.DASH, hint: cps ? `Δ ${fmt.usdDelta(cps.delta)} ${fmt.usdInterval(cps.delta_ci95)}` : '', testid: 'tile-cps' },
    { label: 'Δ latency', value: fmt.isNum(c.latency_ms.mean_delta) ? `${fmt.delta(c.latency_ms.mean_delta, 0)} ms` : fmt.DASH, hint: fmt.interval(c.latency_ms.ci95, 0), testid: 'tile-latency' },
  ]);
  const side = (x) => stacked(contentText(x.output), h('a', { class: 'mono', href: traceHref(x.trace_id) }, fmt.shortId(x.trace_id)));
  const items = c.items.length
    ? dataTable({
        columns: [
          { key: 'example', label: 'Item', cell: (i) => h('span', { class: 'mono' }, i.example_id) },
          { key: 'metric', label: 'Metric', cell: (i) => i.metric.replace('_', ' ') },
          { key: 'a', label: `${a} (a)`, num: true, cell: (i) => value(i.a, i.metric) },
          { key: 'b', label: `${b} (b)`, num: true, cell: (i) => value(i.b, i.metric) },
          { key: 'delta', label: 'Δ', num: true, cell: (i) => h('strong', { class: i.delta < 0 ? 'worse' : null }, fmt.delta(i.delta)) },
          { key: 'input', label: 'Input', wrap: true, cell: (i) => contentText(i.a.input) },
          { key: 'output_a', label: 'Output a', wrap: true, cell: (i) => side(i.a) },
          { key: 'output_b', label: 'Output b', wrap: true, cell: (i) => side(i.b) },
        ],
        rows: c.items,
        testid: 'run-items',
      })
    : empty('No item was run by both.');
  return h(
    'div',
    null,
    header,
    filters,
    h('p', null, h('a', { href: runHref(a) }, `Run ${a}`), ' vs ', h('a', { href: runHref(b) }, `run ${b}`), ` on ${fmt.versioned(c.a.dataset, c.a.dataset_version)}`),
    summary,
    card('Dataset coverage', h('p', { 'data-testid': 'coverage-a' }, coverageText(`a (${a})`, c.coverage.a)), h('p', { 'data-testid': 'coverage-b' }, coverageText(`b (${b})`, c.coverage.b))),
    card(`Items, most worsened first (${fmt.count(c.items.length)} of ${fmt.count(c.n_items)})`, items, h('p', { class: 'stat-note' }, `Pairing: ${c.pairing}.`)),
  );
}
