import type { RunComparison, RunDetail, RunSummary } from '../../contract/runs.js';
import { type Command, fetchAndShow, FILTERS, pick, queryOf, segment } from '../command.js';
import { cell, date, interval, NONE, num, pct, pp, pValue, signed, usd } from '../format.js';
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


function runReport(r: RunDetail): string {
  const lines = [
    `run ${r.run_id}${r.run_ids.length > 1 ? ` (${r.run_ids.length} repeats)` : ''} on ${r.dataset}@${r.dataset_version}, ${r.model}, prompt ${r.prompt}@${r.prompt_version}`,
    `${num(r.n_traces)} traces over ${num(r.n_examples)} items, success ${pct(r.success_rate)}, cost/success ${usd(r.cost_per_success)}, ${date(r.started)} – ${date(r.finished)}`,
    `code ${r.code_version ?? NONE}  seed ${r.seed ?? NONE}${Object.entries(r.env).map(([k, v]) => `  ${k}=${v}`).join('')}`,
    ...r.configs.map((c) => `config ${c.config_hash}: ${c.model} ${Object.entries(c.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ') || '(no parameters)'} (${num(c.n_traces)} traces)`),
  ];
  const cov = r.coverage;
  if (cov) {
    const problems = [cov.n_missing && `${cov.n_missing} missing`, cov.n_unknown && `${cov.n_unknown} unknown ids`, cov.n_inputs_differ && `${cov.n_inputs_differ} inputs differ`].filter(Boolean);
    lines.push(`coverage: ${cov.items_run}/${cov.items_in_version} items of ${cov.dataset}@${cov.version} (${pct(cov.fraction)})${problems.length ? `: ${problems.join(', ')}` : ', complete'}`);
  } else lines.push(`coverage: ${NONE} (dataset version ${r.dataset_version} is not stored on this collector)`);
  const judges = r.judges.map((j) => [`${j.judge}@${j.judge_version}`, j.evaluation, num(j.n_scored), num(j.score_mean), interval(j.score_ci95, (x) => num(x, 3), j), pct(j.pass_rate)]);
  const judgeTable = judges.length ? `\n${renderTable(['judge', 'evaluation', 'n', 'score', '95% CI', 'pass rate'], judges)}\n` : '';
  const items = renderTable(
    ['item', 'traces', 'success', 'cost', 'ms', 'score', 'input', 'output'],
    r.items.map((i) => [i.example_id, num(i.n_traces), `${i.n_success}/${i.n_traces}`, usd(i.cost_usd), num(i.latency_ms), num(i.scores[0]?.score), cell(i.input, 40), cell(i.output, 40)]),
  );
  const more = r.items.length < r.n_items ? `(${r.items.length} of ${r.n_items} items; page with --limit and --offset)\n` : '';
  return `${lines.join('\n')}\n${judgeTable}\n${items}\n${more}`;
}

export const runShowCommand: Command = {
  args: ['ID'],
  summary: 'one run: its envelope, configurations, dataset coverage, scores and items (repeats pooled)',
  options: {
    limit: { type: 'string', description: 'items per page (1–1000, default 100)' },
    offset: { type: 'string', description: 'skip this many items first' },
  },
  exports: false,
  run: (ctx) => fetchAndShow<RunDetail>(ctx, `/api/runs/${segment(ctx.args[0])}`, queryOf(ctx, ['limit', 'offset']), runReport),
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
