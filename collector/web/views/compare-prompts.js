import { api } from '../api.js';
import { deltaForest } from '../charts.js';
import { card, empty, h, pageHeader } from '../dom.js';
import { distinct, filterBar } from '../filters.js';
import * as fmt from '../format.js';
import { dataTable } from '../table.js';
import { cautioned, chosenJudge, judgeKeys, judgeLabel, pickParams, scoreByField, stacked, tiles } from './common.js';

const arrow = (a, b, format) => `${format(a)} → ${format(b)}`;
const pp = fmt.ppDelta;
const ppInterval = fmt.ppInterval;
const wlt = (x) => `${x.wins} / ${x.losses} / ${x.ties}`;

/** Where the CI of b − a lies: above zero, below zero, or across it. */
function direction(ci) {
  if (!Array.isArray(ci)) return 'unknown';
  return ci[0] > 0 ? 'up' : ci[1] < 0 ? 'down' : 'unclear';
}

function columns(scored) {
  return [
    { key: 'model', label: 'Model', cell: (m) => h('strong', null, m.model) },
    { key: 'n_pairs', label: 'Pairs', num: true, title: 'examples run under both versions', cell: (m) => stacked(fmt.count(m.n_pairs), `${fmt.count(m.unpaired.a_only + m.unpaired.b_only)} unpaired`) },
    ...(scored
      ? [
          { key: 'score', label: 'Score a → b', num: true, cell: (m) => arrow(m.mean_a, m.mean_b, fmt.score) },
          { key: 'score_delta', label: 'Δ score [95% CI]', num: true, cell: (m) => stacked(h('strong', null, fmt.delta(m.mean_delta)), cautioned(m.ci95, m)) },
          { key: 'score_p', label: 'p', num: true, title: 'paired t test', cell: (m) => fmt.pValue(m.p_value) },
          { key: 'wlt', label: 'W / L / T', num: true, title: 'examples where b scored better / worse / the same', cell: (m) => wlt(m) },
          { key: 'pass', label: 'Pass rate a → b', num: true, cell: (m) => (m.pass_rate ? arrow(m.pass_rate.rate_a, m.pass_rate.rate_b, fmt.pct) : fmt.DASH) },
          { key: 'pass_delta', label: 'Δ pass [95% CI]', num: true, cell: (m) => (m.pass_rate ? stacked(pp(m.pass_rate.delta), cautioned(m.pass_rate.ci95, m.pass_rate, ppInterval)) : fmt.DASH) },
        ]
      : []),
    {
      key: 'cps',
      label: 'Cost / success a → b',
      num: true,
      cell: (m) => (m.cost_per_success ? stacked(arrow(m.cost_per_success.a, m.cost_per_success.b, fmt.usd), h('span', null, `× ${fmt.isNum(m.cost_per_success.ratio) ? m.cost_per_success.ratio.toFixed(2) : fmt.DASH} `, cautioned(m.cost_per_success.ratio_ci95, m.cost_per_success, (ci) => fmt.interval(ci, 2)))) : fmt.DASH),
    },
    { key: 'latency', label: 'Δ latency [95% CI]', num: true, cell: (m) => stacked(fmt.isNum(m.latency_ms.mean_delta) ? `${fmt.delta(m.latency_ms.mean_delta, 0)} ms` : fmt.DASH, cautioned(m.latency_ms.ci95, m.latency_ms, (ci) => fmt.interval(ci, 0))) },
  ];
}

/** Two versions of one prompt on the same examples, per model: paired deltas (b − a) with 95% CIs. */
export async function comparePromptsView({ path, params }) {
  const all = (await api('/api/triples')).triples;
  const header = pageHeader('Compare prompt versions', 'Paired on the same examples: every delta is candidate (b) − baseline (a), with its 95% CI.');
  const prompts = distinct(all, (t) => t.prompt);
  if (prompts.length === 0) return h('div', null, header, empty('No traces carry a prompt name yet.'));
  const prompt = params.get('prompt') ?? prompts[0];
  const ofPrompt = all.filter((t) => t.prompt === prompt);
  const versions = distinct(ofPrompt, (t) => t.prompt_version);
  const a = params.get('a') ?? versions.at(-2) ?? versions[0];
  const b = params.get('b') ?? versions.find((v) => v !== a && versions.indexOf(v) > versions.indexOf(a)) ?? versions.find((v) => v !== a);
  const judges = judgeKeys(ofPrompt);
  const judge = chosenJudge(params, judges);
  const filters = filterBar(path, params, [
    { key: 'prompt', label: 'Prompt', all: false, options: prompts, value: prompt, resets: ['a', 'b', 'judge', 'judge_version', 'evaluation'] },
    { key: 'a', label: 'Baseline (a)', all: false, options: versions, value: a },
    { key: 'b', label: 'Candidate (b)', all: false, options: versions, value: b },
    { key: 'dataset_version', label: 'Dataset version', options: distinct(ofPrompt, (t) => t.dataset_version) },
    { key: 'model', label: 'Model', options: distinct(ofPrompt, (t) => t.model) },
    ...scoreByField(judges, judge),
  ]);
  if (!b || a === b) return h('div', null, header, filters, empty(`Prompt ${prompt} needs two different versions to compare; pick a baseline and a candidate.`));

  const body = await api('/api/compare/prompts', { prompt, a, b, ...pickParams(params, ['dataset', 'dataset_version', 'model', 'since', 'until']), ...(judge ?? {}) });
  const models = body.models;
  if (models.length === 0) return h('div', null, header, filters, empty('No traces of these versions match the filters.'));
  const scored = body.score !== null;
  const verdicts = models.map((m) => direction(scored ? m.ci95 : m.pass_rate?.ci95));
  const measure = scored ? 'score' : 'pass rate';
  const summary = tiles([
    { label: 'Paired examples', value: fmt.count(models.reduce((x, m) => x + m.n_pairs, 0)), hint: `${models.length} model${models.length === 1 ? '' : 's'}`, testid: 'tile-pairs' },
    { label: `${b} higher`, value: fmt.count(verdicts.filter((v) => v === 'up').length), hint: `models whose ${measure} Δ CI is above 0`, testid: 'tile-better' },
    { label: `${b} lower`, value: fmt.count(verdicts.filter((v) => v === 'down').length), hint: `models whose ${measure} Δ CI is below 0`, testid: 'tile-worse' },
    { label: 'Within noise', value: fmt.count(verdicts.filter((v) => v === 'unclear').length), hint: `models whose ${measure} Δ CI includes 0`, testid: 'tile-unclear' },
  ]);
  const forest = (title, rows, format, axisFormat, higherIsBetter = true) =>
    card(title, rows.length ? deltaForest({ rows, format, axisFormat, higherIsBetter, width: 620 }) : empty('Nothing to compare.'));
  const signedUsd = fmt.usdDelta;
  const charts = h(
    'div',
    { class: 'grid-2' },
    scored
      ? forest(
          `Δ mean score · ${judgeLabel(body.score)}`,
          models.map((m) => ({ label: m.model, delta: m.mean_delta, ci: m.ci95, lowN: m.low_n, title: `${m.model}: ${fmt.delta(m.mean_delta)} ${fmt.interval(m.ci95)}, ${m.n_scored_pairs} pairs${m.note ? ` (${m.note})` : ''}` })),
          fmt.delta,
          (x) => fmt.delta(x, 2),
        )
      : card('Δ mean score', empty('No judge scored these traces.')),
    scored
      ? forest(
          'Δ pass rate',
          models.filter((m) => m.pass_rate).map((m) => ({ label: m.model, delta: m.pass_rate.delta, ci: m.pass_rate.ci95, lowN: m.pass_rate.low_n, title: `${m.model}: ${pp(m.pass_rate.delta)} ${ppInterval(m.pass_rate.ci95)}` })),
          pp,
          (x) => `${x > 0 ? '+' : ''}${Math.round(x * 100)} pp`,
        )
      : card('Δ pass rate', empty('No judge labelled these traces.')),
    forest(
      'Δ cost per success',
      models.filter((m) => m.cost_per_success).map((m) => ({ label: m.model, delta: m.cost_per_success.delta, ci: m.cost_per_success.delta_ci95, lowN: m.cost_per_success.low_n })),
      signedUsd,
      (x) => `${x > 0 ? '+' : x < 0 ? '-' : ''}${fmt.usdTick(Math.abs(x))}`,
      false,
    ),
    forest(
      'Δ latency (ms)',
      models.map((m) => ({ label: m.model, delta: m.latency_ms.mean_delta, ci: m.latency_ms.ci95, lowN: m.latency_ms.low_n })),
      (x) => fmt.delta(x, 0),
      (x) => fmt.delta(x, 0),
      false,
    ),
  );
  return h(
    'div',
    null,
    header,
    filters,
    summary,
    charts,
    card(`${prompt}: ${a} → ${b} per model`, dataTable({ columns: columns(scored), rows: models, testid: 'prompt-comparison' }), h('p', { class: 'stat-note' }, `Pairing: ${body.pairing}.`)),
  );
}
