import { api } from '../api.js';
import { barChartCI } from '../charts.js';
import { card, empty, h, pageHeader } from '../dom.js';
import { filterBar } from '../filters.js';
import * as fmt from '../format.js';
import { href } from '../router.js';
import { dataTable } from '../table.js';
import {
  chosenJudge,
  JUDGE_KEYS,
  judgeKeys,
  judgeLabel,
  pickParams,
  sameJudge,
  scoreByField,
  stacked,
  TRACE_FILTER_KEYS,
  tiles,
  traceFilterFields,
  tripleLabeler,
  withCI,
} from './common.js';

const scoreOf = (t, j) => (j ? t.judges.find((x) => sameJudge(x, j)) : undefined) ?? null;

function columns(judge) {
  const sc = (t) => scoreOf(t, judge);
  return [
    { key: 'dataset', label: 'Dataset', value: (t) => `${t.dataset}@${t.dataset_version}`, cell: (t) => fmt.versioned(t.dataset, t.dataset_version) },
    { key: 'model', label: 'Model', value: (t) => t.model, cell: (t) => t.model || fmt.DASH },
    { key: 'prompt', label: 'Prompt', value: (t) => `${t.prompt}@${t.prompt_version}`, cell: (t) => fmt.versioned(t.prompt, t.prompt_version) },
    { key: 'n_traces', label: 'Traces', num: true, value: (t) => t.n_traces, cell: (t) => fmt.count(t.n_traces) },
    {
      key: 'success_rate',
      label: 'Success',
      num: true,
      value: (t) => t.n_success / t.n_traces,
      cell: (t) => stacked(fmt.pct(t.n_success / t.n_traces), `${fmt.count(t.n_success)} of ${fmt.count(t.n_traces)}`),
    },
    {
      key: 'cost_usd',
      label: 'Cost',
      num: true,
      value: (t) => t.cost_usd,
      cell: (t) =>
        t.unpriced_traces > 0
          ? h('span', { title: `${t.unpriced_traces} of ${t.n_traces} traces have no price; their cost is not included` }, fmt.usd(t.cost_usd), h('sup', { class: 'warn' }, '*'))
          : fmt.usd(t.cost_usd),
    },
    { key: 'cost_per_success', label: 'Cost / success', num: true, title: 'total cost ÷ successful traces', value: (t) => t.cost_per_success, cell: (t) => h('strong', { title: fmt.usdPer(t.cost_per_success, 'success') }, fmt.usd(t.cost_per_success)) },
    { key: 'score', label: 'Score', num: true, title: 'mean judge score and its 95% CI', value: (t) => sc(t)?.score_mean ?? null, cell: (t) => withCI(fmt.score(sc(t)?.score_mean), sc(t)?.score_ci95, sc(t)) },
    {
      key: 'pass_rate',
      label: 'Pass rate',
      num: true,
      value: (t) => sc(t)?.pass_rate ?? null,
      cell: (t) => stacked(fmt.pct(sc(t)?.pass_rate), sc(t) ? `n = ${fmt.count(sc(t).n_labeled)}` : ''),
    },
    {
      key: 'latency',
      label: 'Latency',
      num: true,
      title: 'median and 95th percentile task latency',
      value: (t) => t.latency_ms_p50,
      cell: (t) => stacked(`p50 ${fmt.ms(t.latency_ms_p50)}`, `p95 ${fmt.ms(t.latency_ms_p95)}`),
    },
    {
      key: 'tokens',
      label: 'Tokens',
      num: true,
      value: (t) => t.input_tokens + t.output_tokens,
      cell: (t) => stacked(`${fmt.count(t.input_tokens)} in`, `${fmt.count(t.output_tokens)} out`),
    },
    { key: 'traces', label: '', cell: (t) => h('a', { href: href('/traces', Object.fromEntries(TRACE_FILTER_KEYS.map((k) => [k, t[k]]))) }, 'traces →') },
  ];
}

/** Quality and cost per (dataset, model, prompt) triple: the page that answers "which is best, at what cost". */
export async function triplesView({ path, params }) {
  const filter = pickParams(params, [...TRACE_FILTER_KEYS, ...JUDGE_KEYS, 'since', 'until']);
  const allBody = await api('/api/triples');
  const all = allBody.triples;
  const shown = Object.keys(filter).length ? (await api('/api/triples', filter)).triples : all;
  const judges = judgeKeys(all);
  const judge = chosenJudge(params, judges);
  const label = tripleLabeler(shown);

  const header = pageHeader('Triples', 'Quality and cost per dataset × model × prompt version. Cost per success = total cost ÷ successful traces.');
  const filters = filterBar(path, params, [
    ...traceFilterFields(all),
    ...scoreByField(judges, judge),
  ], { reset: ['sort', 'dir'] });
  if (shown.length === 0) return h('div', null, header, filters, empty(all.length ? 'No triple matches these filters.' : 'No task traces yet. Send some with the evaltrace SDK or any OTel exporter.'));

  const nTraces = shown.reduce((a, t) => a + t.n_traces, 0);
  const nSuccess = shown.reduce((a, t) => a + t.n_success, 0);
  const priced = shown.filter((t) => t.cost_usd !== null);
  const cost = priced.reduce((a, t) => a + t.cost_usd, 0);
  const summary = tiles([
    { label: 'Triples', value: fmt.count(shown.length), testid: 'tile-triples' },
    { label: 'Task traces', value: fmt.count(nTraces), testid: 'tile-traces' },
    { label: 'Success rate', value: fmt.pct(nSuccess / nTraces), hint: `${fmt.count(nSuccess)} succeeded`, testid: 'tile-success' },
    { label: 'Total cost', value: priced.length ? fmt.usd(cost) : fmt.DASH, hint: 'priced traces only', testid: 'tile-cost' },
  ]);

  const scored = shown.map((t) => ({ t, j: scoreOf(t, judge) })).filter((x) => x.j && x.j.score_mean !== null);
  const unitScale = scored.every((x) => x.j.score_mean >= 0 && x.j.score_mean <= 1);
  const charts = h(
    'div',
    { class: 'grid-2' },
    judge
      ? card(
          `Mean score · ${judgeLabel(judge)}`,
          scored.length
            ? barChartCI({
                rows: scored.map(({ t, j }) => ({
                  label: label(t),
                  value: j.score_mean,
                  ci: j.score_ci95,
                  lowN: j.low_n,
                  title: `${label(t)}: ${fmt.score(j.score_mean)} ${fmt.interval(j.score_ci95)}, n = ${j.n_scored}${j.ci_note ? ` (${j.ci_note})` : ''}`,
                })),
                format: fmt.score,
                axisFormat: (v) => v.toFixed(unitScale ? 1 : 2),
                clamp: unitScale ? [0, 1] : undefined,
                caption: 'Whiskers: 95% confidence interval of the mean; grey and dashed below the minimum sample size (hover for n).',
                width: 600,
              })
            : empty('No scores from this judge for these triples.'),
        )
      : card('Mean score', empty('No judge has scored these traces yet.')),
    card(
      'Cost per successful task',
      barChartCI({
        rows: shown.map((t) => ({ label: label(t), value: t.cost_per_success, title: `${label(t)}: ${fmt.usd(t.cost_per_success)} (${fmt.count(t.n_success)} successes)` })),
        format: fmt.usd,
        axisFormat: fmt.usdTick,
        caption: 'Lower is better. A dash: no priced trace or no success.',
        width: 600,
      }),
    ),
  );
  const table = dataTable({ columns: columns(judge), rows: shown, testid: 'triples', sortable: { path, params } });
  return h('div', null, header, filters, summary, charts, card(`${shown.length} triple${shown.length === 1 ? '' : 's'}`, table));
}
