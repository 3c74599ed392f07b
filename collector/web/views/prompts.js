import { api } from '../api.js';
import { card, empty, h, pageHeader } from '../dom.js';
import { distinct, filterBar } from '../filters.js';
import * as fmt from '../format.js';
import { href } from '../router.js';
import { dataTable } from '../table.js';
import { timeRanges, timeSeries } from '../timeseries.js';
import { chosenJudge, judgeKeys, judgeLabel, pickParams, sameJudge, scoreByField, stacked, tripleLabeler, withCI } from './common.js';

const HOUR = 3_600_000;
const BUCKETS = [HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR, 7 * 24 * HOUR, 30 * 24 * HOUR];
const MAX_BUCKETS = 8;

const quality = (row, judge) => (judge ? row.quality.find((q) => sameJudge(q, judge)) : undefined) ?? null;

/** A weighted mean of per-row values; null when no row has weight. */
function weighted(rows, value, weight) {
  let sum = 0;
  let n = 0;
  for (const r of rows) {
    const v = value(r);
    const w = weight(r);
    if (fmt.isNum(v) && w > 0) {
      sum += v * w;
      n += w;
    }
  }
  return n > 0 ? sum / n : null;
}

/**
 * What the over-time chart can plot. `pool` combines the rows of one version
 * in one bucket (several models or dataset versions) exactly: means weighted
 * by their counts, cost per success as total cost over total successes.
 */
const METRICS = [
  {
    key: 'score',
    label: 'Mean score',
    judged: true,
    pool: (rows, j) => weighted(rows, (r) => quality(r, j)?.mean, (r) => quality(r, j)?.n_scored ?? 0),
    ci: (r, j) => quality(r, j)?.ci95,
    format: fmt.score,
    axis: (v) => v.toFixed(2),
  },
  {
    key: 'pass_rate',
    label: 'Pass rate',
    judged: true,
    pool: (rows, j) => weighted(rows, (r) => quality(r, j)?.pass_rate, (r) => quality(r, j)?.n_labeled ?? 0),
    ci: (r, j) => quality(r, j)?.pass_rate_ci95,
    format: fmt.pct,
    axis: (v) => `${Math.round(v * 100)}%`,
    clamp: [0, 1],
  },
  {
    key: 'success_rate',
    label: 'Success rate',
    pool: (rows) => weighted(rows, (r) => r.success_rate, (r) => r.n_traces),
    ci: () => null,
    format: fmt.pct,
    axis: (v) => `${Math.round(v * 100)}%`,
    clamp: [0, 1],
  },
  {
    key: 'cost_per_success',
    label: 'Cost per success',
    pool: (rows) => {
      const priced = rows.filter((r) => r.cost_usd !== null);
      const successes = priced.reduce((a, r) => a + r.n_success, 0);
      return successes > 0 ? priced.reduce((a, r) => a + r.cost_usd, 0) / successes : null;
    },
    ci: () => null,
    format: fmt.usd,
    axis: fmt.usdTick,
  },
];

/** Equal UTC-aligned time buckets over [t0, t1]: the smallest round size that needs at most MAX_BUCKETS. */
function timeBuckets(t0, t1) {
  const size = BUCKETS.find((b) => Math.ceil((t1 + 1 - Math.floor(t0 / b) * b) / b) <= MAX_BUCKETS) ?? Math.ceil((t1 + 1 - t0) / (MAX_BUCKETS - 1));
  const start = Math.floor(t0 / size) * size;
  const n = Math.max(1, Math.ceil((t1 + 1 - start) / size));
  return Array.from({ length: n }, (_, i) => ({ since: start + i * size, until: start + (i + 1) * size }));
}

/**
 * The metric per prompt version in each time bucket, from /api/prompts over
 * that bucket. A point that comes from one row (one model, one dataset
 * version) carries that row's 95% CI; pooled points carry none.
 */
async function overTime(filter, rows, metric, judge, prompt) {
  const t0 = Math.min(...rows.map((r) => Date.parse(r.first_seen)));
  const t1 = Math.max(...rows.map((r) => Date.parse(r.last_seen)));
  const buckets = timeBuckets(t0, t1);
  const reports = await Promise.all(buckets.map((b) => api('/api/prompts', { ...filter, since: new Date(b.since).toISOString(), until: new Date(b.until).toISOString() })));
  const versions = distinct(rows, (r) => r.prompt_version);
  return versions
    .map((v) => ({
      name: fmt.versioned(prompt, v),
      points: reports.flatMap((report, i) => {
        const of = report.versions.filter((r) => r.prompt_version === v);
        const y = metric.pool(of, judge);
        if (!fmt.isNum(y)) return [];
        const { since, until } = buckets[i];
        const ci = of.length === 1 ? (metric.ci(of[0], judge) ?? null) : null;
        const n = of.reduce((a, r) => a + r.n_traces, 0);
        const when = `${fmt.dateTime(new Date(since).toISOString())} – ${fmt.dateTime(new Date(until).toISOString())} UTC`;
        return [{ t: (since + until) / 2, y, ci, title: `${fmt.versioned(prompt, v)}, ${when}: ${metric.format(y)}${ci ? ` ${fmt.interval(ci)}` : ''} over ${n} traces` }];
      }),
    }))
    .filter((sr) => sr.points.length);
}

function versionsTable(rows, judge, label) {
  const q = (r) => quality(r, judge);
  return dataTable({
    testid: 'prompt-versions',
    rows,
    columns: [
      { key: 'row', label: 'Version · model · dataset', cell: (r) => h('strong', null, label(r)) },
      { key: 'n_traces', label: 'Traces', num: true, cell: (r) => fmt.count(r.n_traces) },
      { key: 'first_seen', label: 'First seen (UTC)', cell: (r) => fmt.dateTime(r.first_seen) },
      { key: 'last_seen', label: 'Last seen (UTC)', cell: (r) => fmt.dateTime(r.last_seen) },
      { key: 'success_rate', label: 'Success', num: true, cell: (r) => fmt.pct(r.success_rate) },
      { key: 'cost_per_success', label: 'Cost / success', num: true, cell: (r) => fmt.usd(r.cost_per_success) },
      { key: 'score', label: 'Score', num: true, cell: (r) => withCI(fmt.score(q(r)?.mean), q(r)?.ci95, q(r)) },
      { key: 'pass_rate', label: 'Pass rate', num: true, cell: (r) => stacked(fmt.pct(q(r)?.pass_rate), fmt.interval(q(r)?.pass_rate_ci95)) },
    ],
  });
}

/** One prompt's versions: when each was in use, and how a chosen metric moved over time. */
export async function promptsView({ path, params }) {
  const all = (await api('/api/triples')).triples;
  const header = pageHeader('Prompt versions', 'How each version of a prompt did, and when it ran. Points are time buckets; bands are 95% CIs.');
  const prompts = distinct(all, (t) => t.prompt);
  if (prompts.length === 0) return h('div', null, header, empty('No traces carry a prompt name yet.'));
  const prompt = params.get('prompt') ?? prompts[0];
  const ofPrompt = all.filter((t) => t.prompt === prompt);
  const judges = judgeKeys(ofPrompt);
  const judge = chosenJudge(params, judges);
  const metrics = METRICS.filter((m) => judge || !m.judged);
  const metric = metrics.find((m) => m.key === params.get('metric')) ?? metrics[0];

  const filters = filterBar(path, params, [
    { key: 'prompt', label: 'Prompt', all: false, options: prompts, value: prompt, resets: ['judge', 'judge_version', 'evaluation'] },
    { key: 'dataset_version', label: 'Dataset version', options: distinct(ofPrompt, (t) => t.dataset_version) },
    { key: 'model', label: 'Model', options: distinct(ofPrompt, (t) => t.model) },
    ...scoreByField(judges, judge),
    { key: 'metric', label: 'Metric', all: false, options: metrics.map((m) => ({ value: m.key, label: m.label })) },
  ]);
  const filter = { prompt, ...pickParams(params, ['dataset', 'dataset_version', 'model', 'since', 'until']) };
  const rows = (await api('/api/prompts', filter)).versions;
  if (rows.length === 0) return h('div', null, header, filters, empty('No traces of this prompt match these filters.'));
  const label = tripleLabeler(rows.map((r) => ({ ...r, prompt })));
  const series = await overTime(filter, rows, metric, judge, prompt);

  const versions = distinct(rows, (r) => r.prompt_version);
  const ranges = versions.map((v) => {
    const of = rows.filter((r) => r.prompt_version === v);
    const from = Math.min(...of.map((r) => Date.parse(r.first_seen)));
    const to = Math.max(...of.map((r) => Date.parse(r.last_seen)));
    const n = of.reduce((a, r) => a + r.n_traces, 0);
    return { label: fmt.versioned(prompt, v), from, to, title: `${fmt.versioned(prompt, v)}: ${fmt.count(n)} traces, ${fmt.dateTime(new Date(from).toISOString())} – ${fmt.dateTime(new Date(to).toISOString())} UTC` };
  });
  const compare = versions.length >= 2 ? h('a', { href: href('/compare/prompts', { prompt, a: versions.at(-2), b: versions.at(-1) }) }, `Compare ${versions.at(-2)} → ${versions.at(-1)} →`) : null;

  return h(
    'div',
    null,
    header,
    filters,
    card('Versions in use', timeRanges({ rows: ranges, caption: 'From the first to the last trace of each version.' }), compare ? h('p', { class: 'stat-note' }, compare) : null),
    card(
      `${metric.label}${metric.judged ? ` · ${judgeLabel(judge)}` : ''} over time`,
      series.length
        ? timeSeries({
            series,
            yFormat: metric.format,
            yAxisFormat: metric.axis,
            clamp: metric.clamp,
            caption: 'One line per version, pooled over the models and dataset versions shown. Bands (95% CI) where a point comes from one model and one dataset version: narrow with the filters.',
          })
         : empty('No values for this metric.'),
    ),
    card(`${rows.length} version × model × dataset rows`, versionsTable(rows, judge, label)),
  );
}
