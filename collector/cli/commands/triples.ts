import type { Triple } from '../../contract/responses.js';
import { type Command, fetchAndShow, FILTERS, queryOf } from '../command.js';
import { interval, num, pct, usd } from '../format.js';
import { renderTable, section } from '../table.js';

const OPTIONS = Object.keys(FILTERS);

export function triplesTables(triples: Triple[]): string {
  if (triples.length === 0) return 'no task traces match\n';
  const main = renderTable(
    ['dataset', 'dataset ver', 'model', 'prompt', 'prompt ver', 'traces', 'success', 'cost/task', 'cost/success', 'p50 ms', 'p95 ms'],
    triples.map((t) => [
      t.dataset,
      t.dataset_version,
      t.model,
      t.prompt,
      t.prompt_version,
      num(t.n_traces),
      pct(t.n_success / t.n_traces),
      usd(t.cost_per_task),
      usd(t.cost_per_success),
      num(t.latency_ms_p50),
      num(t.latency_ms_p95),
    ]),
  );
  const scores = triples.flatMap((t) =>
    t.judges.map((j) => [
      t.model,
      t.prompt,
      t.prompt_version,
      t.dataset_version,
      j.judge,
      j.judge_version,
      j.evaluation,
      num(j.n_scored),
      num(j.score_mean),
      interval(j.score_ci95, (x) => num(x, 3), j),
      pct(j.pass_rate),
    ]),
  );
  const scoreTable = scores.length
    ? section(
        '\nscores by judge version',
        renderTable(['model', 'prompt', 'prompt ver', 'dataset ver', 'judge', 'judge ver', 'evaluation', 'n', 'mean', '95% CI', 'pass rate'], scores),
      )
    : '';
  return `${main}\n${scoreTable}`;
}

export const triplesCommand: Command = {
  args: [],
  summary: 'per (dataset, dataset version, model, prompt, prompt version): traces, success, cost, latency, scores',
  options: FILTERS,
  exports: true,
  run: (ctx) => fetchAndShow<{ triples: Triple[] }>(ctx, '/api/triples', queryOf(ctx, OPTIONS), (b) => triplesTables(b.triples)),
};
