/** Experiment runs: the list (pick two to compare) and one run with its items. */
import { api } from '../api.js';
import { card, empty, h, pageHeader } from '../dom.js';
import { distinct, filterBar } from '../filters.js';
import * as fmt from '../format.js';
import { href, navigate, traceHref, withParams } from '../router.js';
import { dataTable } from '../table.js';
import { chosenJudge, contentText, judgeKeys, offsetPager, pickParams, sameJudge, scoreByField, stacked, tiles, TRACE_FILTER_KEYS, withCI } from './common.js';

export const runHref = (id) => `#/runs/${encodeURIComponent(id)}`;

/**
 * The pair a page starts with when the URL names none (runs newest first): the newest run
 * as b with the newest older run on the same dataset version as a, since only such runs can
 * be paired; else the two newest. A side the URL names is kept.
 */
export function defaultPair(runs, named = {}) {
  const ids = runs.map((r) => r.run_id);
  const same = (x, y) => x.dataset === y.dataset && x.dataset_version === y.dataset_version;
  if (named.a || named.b) {
    const fixed = runs.find((r) => r.run_id === (named.a ?? named.b));
    const other = (fixed && runs.find((r) => r.run_id !== fixed.run_id && same(r, fixed)))?.run_id ?? ids.find((id) => id !== (named.a ?? named.b));
    return named.a ? { a: named.a, b: named.b ?? other } : { a: other, b: named.b };
  }
  for (const [k, r] of runs.entries()) {
    const older = runs.slice(k + 1).find((o) => same(o, r));
    if (older) return { a: older.run_id, b: r.run_id };
  }
  return ids.length > 1 ? { a: ids[1], b: ids[0] } : { a: ids[0], b: undefined };
}

/** A configuration's request parameters as short text ("temperature 0.2 · max_tokens 300"). */
export function paramsText(params) {
  const parts = Object.entries(params).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(', ') : v}`);
  return parts.length ? parts.join(' · ') : 'no parameters';
}

function configCell(r) {
  const c = r.configs[0];
  if (!c) return fmt.DASH;
  const more = r.configs.length > 1 ? ` +${r.configs.length - 1}` : '';
  return stacked(h('span', { class: 'mono', title: c.config_hash }, `${c.config_hash.slice(0, 8)}${more}`), paramsText(c.params));
}

/** The configurations the runs used, as filter options: short hash and parameters. */
function configOptions(runs) {
  const seen = new Map();
  for (const r of runs) for (const c of r.configs) seen.set(c.config_hash, { value: c.config_hash, label: `${c.config_hash.slice(0, 8)} · ${paramsText(c.params)}` });
  return [...seen.values()].sort((x, y) => x.label.localeCompare(y.label));
}

const judgeOf = (r, judge) => (judge ? r.judges.find((j) => sameJudge(j, judge)) ?? null : null);

/** A radio button that picks this run as side `key` (a or b) in the URL, so the choice is part of the link. */
function pickCell(key, chosen, path, params) {
  return (r) =>
    h('input', {
      type: 'radio',
      name: `pick-${key}`,
      value: r.run_id,
      checked: r.run_id === chosen,
      'aria-label': `${r.run_id} as ${key === 'a' ? 'baseline (a)' : 'candidate (b)'}`,
      'data-testid': `pick-${key}`,
      onchange: () => navigate(path, withParams(params, { [key]: r.run_id })),
    });
}

function columns(judge, pick) {
  return [
    { key: 'pick_a', label: 'A', title: 'baseline (a)', cell: pick.a },
    { key: 'pick_b', label: 'B', title: 'candidate (b)', cell: pick.b },
    { key: 'run', label: 'Run', cell: (r) => h('a', { href: runHref(r.run_id) }, r.run_id) },
    { key: 'dataset', label: 'Dataset', cell: (r) => fmt.versioned(r.dataset, r.dataset_version) },
    { key: 'model', label: 'Model', cell: (r) => r.model || fmt.DASH },
    { key: 'prompt', label: 'Prompt', cell: (r) => fmt.versioned(r.prompt, r.prompt_version) },
    { key: 'config', label: 'Configuration', cell: configCell },
    { key: 'repeats', label: 'Repeats', num: true, cell: (r) => fmt.count(r.run_ids.length) },
    { key: 'items', label: 'Items', num: true, cell: (r) => fmt.count(r.n_examples) },
    { key: 'traces', label: 'Traces', num: true, cell: (r) => fmt.count(r.n_traces) },
    { key: 'success', label: 'Success', num: true, cell: (r) => fmt.pct(r.success_rate) },
    { key: 'cps', label: 'Cost / success', num: true, cell: (r) => fmt.usd(r.cost_per_success) },
    {
      key: 'score',
      label: 'Score [95% CI]',
      num: true,
      cell: (r) => {
        const j = judgeOf(r, judge);
        return j ? withCI(fmt.score(j.score_mean), j.score_ci95, j) : fmt.DASH;
      },
    },
    { key: 'code', label: 'Code', cell: (r) => (r.code_version ? h('span', { class: 'mono', title: r.code_version }, r.code_version.slice(0, 10)) : fmt.DASH) },
    { key: 'started', label: 'Started (UTC)', cell: (r) => fmt.dateTime(r.started) },
  ];
}

/** `#/runs`: runs newest first, filterable; two picked as a and b open the comparison. */
export async function runsView({ path, params }) {
  const filter = pickParams(params, [...TRACE_FILTER_KEYS, 'config']);
  const { runs } = await api('/api/runs', filter);
  const header = pageHeader('Runs', 'Experiment runs, newest first: repeats pooled, with their configuration and envelope. Pick a baseline (A) and a candidate (B) to compare item by item.');
  const judges = judgeKeys(runs);
  const judge = chosenJudge(params, judges);
  const { a, b } = defaultPair(runs, { a: params.get('a') ?? undefined, b: params.get('b') ?? undefined });
  const filters = filterBar(path, params, [
    { key: 'dataset', label: 'Dataset', options: distinct(runs, (r) => r.dataset) },
    { key: 'dataset_version', label: 'Dataset version', options: distinct(runs, (r) => r.dataset_version) },
    { key: 'model', label: 'Model', options: distinct(runs, (r) => r.model) },
    { key: 'prompt', label: 'Prompt', options: distinct(runs, (r) => r.prompt) },
    { key: 'prompt_version', label: 'Prompt version', options: distinct(runs, (r) => r.prompt_version) },
    { key: 'config', label: 'Configuration', options: configOptions(runs) },
    ...scoreByField(judges, judge),
  ]);
  const compare =
    a && b && a !== b
      ? h('a', { class: 'button primary', 'data-testid': 'compare-runs', href: href('/compare/runs', { a, b, ...(judge ?? {}) }) }, `Compare ${b} against ${a} →`)
      : null;
  const pick = { a: pickCell('a', a, path, params), b: pickCell('b', b, path, params) };
  const body = runs.length ? dataTable({ columns: columns(judge, pick), rows: runs, testid: 'runs' }) : empty('No run matches. runExperiment() records one; so does any span with evaltrace.run.id.');
  const hint = runs.length > 1 && !compare ? h('p', { class: 'stat-note', 'data-testid': 'pick-hint' }, 'Pick two different runs: one as A (baseline), one as B (candidate).') : null;
  return h('div', null, header, filters, card(null, compare ? h('p', null, compare) : hint, body));
}

const PAGE = 100;

/** `#/runs/<id>`: one run's summary, configuration, envelope, coverage and items. */
export async function runView({ path, params, args }) {
  const id = decodeURIComponent(args[0]);
  const offset = Number(params.get('offset') ?? 0) || 0;
  const run = await api(`/api/runs/${encodeURIComponent(id)}`, { limit: PAGE, offset });
  const judge = chosenJudge(params, run.judges) ?? run.judges[0] ?? null;
  const j = judgeOf(run, judge);
  const summary = tiles([
    { label: 'Traces', value: fmt.count(run.n_traces), hint: `${fmt.count(run.run_ids.length)} repeats`, testid: 'tile-traces' },
    { label: 'Items', value: fmt.count(run.n_examples), testid: 'tile-items' },
    { label: 'Success rate', value: fmt.pct(run.success_rate), testid: 'tile-success' },
    { label: 'Cost per success', value: fmt.usd(run.cost_per_success), testid: 'tile-cps' },
    { label: j ? `Score · ${j.judge}@${j.judge_version}` : 'Score', value: j ? fmt.score(j.score_mean) : fmt.DASH, hint: j ? fmt.interval(j.score_ci95) : 'not judged', testid: 'tile-score' },
  ]);
  const configs = run.configs.length
    ? dataTable({
        columns: [
          { key: 'hash', label: 'Configuration', cell: (c) => h('span', { class: 'mono' }, c.config_hash) },
          { key: 'model', label: 'Model', cell: (c) => c.model },
          { key: 'params', label: 'Parameters', wrap: true, cell: (c) => paramsText(c.params) },
          { key: 'traces', label: 'Traces', num: true, cell: (c) => fmt.count(c.n_traces) },
        ],
        rows: run.configs,
        testid: 'configs',
      })
    : empty('No LLM call of this run recorded a configuration.');
  const envelope = run.envelope.length
    ? h('table', { class: 'kv', 'data-testid': 'envelope' }, h('tbody', null, run.envelope.map((e) => h('tr', null, h('th', null, e.key), h('td', null, e.values.map((v) => `${v.value} (${fmt.count(v.n_traces)})`).join(', '))))))
    : empty('No envelope recorded (evaltrace.code.version, evaltrace.env.*, evaltrace.seed).');
  const c = run.coverage;
  const coverage = c
    ? h(
        'p',
        { 'data-testid': 'coverage', class: c.complete ? 'badge ok' : 'badge bad' },
        c.complete
          ? `Ran every item of ${run.dataset}@${c.version} with its stored input.`
          : `${fmt.count(c.items_run)} of ${fmt.count(c.items_in_version)} items of ${run.dataset}@${c.version}; ${fmt.count(c.n_missing)} missing, ${fmt.count(c.n_unknown)} not in the version, ${fmt.count(c.n_inputs_differ)} with another input.`,
      )
    : null;
  const scoreOf = (i) => i.scores.find((s) => judge && sameJudge(s, judge)) ?? null;
  const items = dataTable({
    columns: [
      { key: 'example', label: 'Item', cell: (i) => h('span', { class: 'mono' }, i.example_id || fmt.DASH) },
      { key: 'traces', label: 'Traces', cell: (i) => h('span', null, i.trace_ids.map((t, k) => [k ? ' ' : null, h('a', { class: 'mono', href: traceHref(t) }, fmt.shortId(t))])) },
      { key: 'success', label: 'Success', num: true, cell: (i) => `${fmt.count(i.n_success)} / ${fmt.count(i.n_traces)}` },
      { key: 'score', label: 'Score', num: true, cell: (i) => fmt.score(scoreOf(i)?.score ?? null) },
      { key: 'cost', label: 'Cost', num: true, cell: (i) => fmt.usd(i.cost_usd) },
      { key: 'input', label: 'Input', wrap: true, cell: (i) => contentText(i.input) },
      { key: 'output', label: 'Output', wrap: true, cell: (i) => contentText(i.output) },
    ],
    rows: run.items,
    testid: 'run-items',
  });
  const pager = offsetPager(path, params, offset, PAGE, run.n_items);
  return h(
    'div',
    null,
    pageHeader(`Run ${run.run_id}`, `${fmt.versioned(run.dataset, run.dataset_version)} · ${run.model} · ${fmt.versioned(run.prompt, run.prompt_version)} · started ${fmt.dateTime(run.started)}`),
    summary,
    coverage,
    h('div', { class: 'grid-2' }, card('Configuration', configs), card('Envelope', envelope)),
    card(`Items (${fmt.count(run.n_items)})`, items, pager),
  );
}
