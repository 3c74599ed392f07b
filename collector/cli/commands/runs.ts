import type { RunComparison } from '../../query/compare-runs.js';
import type { RunSummary } from '../../query/runs.js';
import { type Command, fetchAndShow, FILTERS, pick, queryOf } from '../command.js';
import { date, interval, NONE, num, pct, pp, pValue, signed, usd } from '../format.js';
import { renderTable } from '../table.js';
import { pairedTable } from './compare-prompts.js';

const LIST_OPTIONS = [...Object.keys(FILTERS), 'limit'];

function runsTable(runs: RunSummary[]): string {
  if (runs.length === 0) return 'no runs match\n';
  return `${renderTable(
    ['run', 'dataset', 'model', 'prompt', 'config', 'repeats', 'items', 'traces', 'success', 'cost/success', 'score', '95% CI', 'code', 'started'],
    runs.map((r) => {
      const j = r.judges[0];
      const config = r.configs[0];
      return [
        r.run_id,
        `${r.dataset}@${r.dataset_version}`,
        r.model,
        `${r.prompt}@${r.prompt_version}`,
        config ? `${config.config_hash.slice(0, 8)}${r.configs.length > 1 ? ` +${r.configs.length - 1}` : ''}` : NONE,
        num(r.run_ids.length),
        num(r.n_examples),
        num(r.n_traces),
        pct(r.success_rate),
        usd(r.cost_per_success),
        j ? `${num(j.score_mean)} (${j.judge}@${j.judge_version})` : NONE,
        interval(j?.score_ci95, (x) => num(x, 3), j),
        r.code_version?.slice(0, 10) ?? NONE,
        date(r.started),
      ];
    }),
  )}\n`;
}

export const runsCommand: Command = {
  args: [],
  summary: 'experiment runs newest first: versions, configuration, repeats, success, cost per success, score',
  options: {
    ...FILTERS,
    limit: { type: 'string', description: 'at most this many runs (default 100)' },
  },
  exports: false,
  run: (ctx) => fetchAndShow<{ runs: RunSummary[] }>(ctx, '/api/runs', queryOf(ctx, LIST_OPTIONS), (b) => runsTable(b.runs)),
};

const COMPARE_OPTIONS = ['judge', 'judge-version', 'evaluation'];

function comparisonTables(c: RunComparison): string {
  const score = c.score ? `score: ${c.score.judge} ${c.score.judge_version} ${c.score.evaluation}` : 'no judge scores';
  const head = `run ${c.b.run_id} (b) vs ${c.a.run_id} (a) on ${c.a.dataset}@${c.a.dataset_version}; ${score}\n${c.pairing}\n`;
  const s = c.success;
  const success = s
    ? [['success', num(s.n_pairs), pct(s.rate_a), pct(s.rate_b), pp(s.delta), interval(s.ci95, pp, s), `${pValue(s.p_value)} McNemar`, `${s.wins}/${s.losses}/${s.ties}`]]
    : [];
  const worst = c.items.slice(0, 10).filter((i) => i.delta < 0);
  const items = worst.length
    ? `\nitems that got worse (of ${c.n_items} paired):\n${renderTable(
        ['example', 'metric', 'a', 'b', 'Δ'],
        worst.map((i) => [i.example_id, i.metric, num(i.a[i.metric]), num(i.b[i.metric]), signed(i.delta)]),
      )}\n`
    : '';
  return `${head}\n${pairedTable('runs', c, c.a.run_id, c.b.run_id, success)}${items}`;
}

export const compareRunsCommand: Command = {
  args: ['A', 'B'],
  summary: 'run B (candidate) against run A (baseline), paired by dataset item, worst items first',
  options: pick(COMPARE_OPTIONS),
  exports: false,
  run: (ctx) => {
    const [a, b] = ctx.args;
    return fetchAndShow<RunComparison>(ctx, '/api/compare/runs', { a, b, ...queryOf(ctx, COMPARE_OPTIONS) }, comparisonTables);
  },
};
