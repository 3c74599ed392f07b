import type { PromptReport } from '../../contract/responses.js';
import { type Command, fetchAndShow, pick, queryOf } from '../command.js';
import { date, interval, num, pct, usd } from '../format.js';
import { renderTable, section } from '../table.js';

const OPTIONS = ['dataset', 'dataset-version', 'model', 'prompt-version', 'judge', 'judge-version', 'evaluation', 'since', 'until'];

function promptTables(r: PromptReport): string {
  if (r.versions.length === 0) return `no task traces of prompt ${r.prompt} match\n`;
  const main = renderTable(
    ['version', 'model', 'dataset', 'dataset ver', 'traces', 'success', 'in tok', 'out tok', 'cost/task', 'cost/success', 'p50 ms', 'p95 ms', 'first seen', 'last seen'],
    r.versions.map((v) => [
      v.prompt_version,
      v.model,
      v.dataset,
      v.dataset_version,
      num(v.n_traces),
      pct(v.success_rate),
      num(v.input_tokens),
      num(v.output_tokens),
      usd(v.cost_per_task),
      usd(v.cost_per_success),
      num(v.latency_ms_p50),
      num(v.latency_ms_p95),
      date(v.first_seen),
      date(v.last_seen),
    ]),
  );
  const quality = r.versions.flatMap((v) =>
    v.quality.map((q) => [
      v.prompt_version,
      v.model,
      v.dataset_version,
      q.judge,
      q.judge_version,
      q.evaluation,
      num(q.n_scored),
      num(q.mean),
      interval(q.ci95, (x) => num(x, 3), q),
      pct(q.pass_rate),
      interval(q.pass_rate_ci95, pct),
    ]),
  );
  const qualityTable = quality.length
    ? section(
        '\nquality by judge version',
        renderTable(['version', 'model', 'dataset ver', 'judge', 'judge ver', 'evaluation', 'n', 'mean', '95% CI', 'pass rate', 'pass 95% CI'], quality),
      )
    : '';
  return `prompt ${r.prompt}: cost and quality by version\n${main}\n${qualityTable}`;
}

export const promptsCommand: Command = {
  args: ['NAME'],
  summary: 'cost and quality of prompt NAME by version × model × dataset version',
  options: pick(OPTIONS),
  exports: false,
  run: (ctx) =>
    fetchAndShow<PromptReport>(ctx, '/api/prompts', { prompt: ctx.args[0], ...queryOf(ctx, OPTIONS) }, promptTables),
};
