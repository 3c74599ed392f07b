import type { JudgeComparison } from '../../contract/responses.js';
import { type Command, fetchAndShow, type OptionSpec, pick, queryOf } from '../command.js';
import { interval, NONE, num, pct, pValue, signed } from '../format.js';
import { renderTable, section } from '../table.js';

const FILTER_OPTIONS = ['dataset', 'dataset-version', 'model', 'prompt', 'prompt-version', 'evaluation', 'since', 'until'];
const PAGE_OPTIONS: Record<string, OptionSpec> = {
  limit: { type: 'string', description: 'disagreements per page (1–1000, default 100)' },
  cursor: { type: 'string', description: 'next_cursor of the previous page' },
};

function summary(c: JudgeComparison): string {
  const kappa = c.cohen_kappa === null ? `${NONE} (${c.kappa_reason})` : num(c.cohen_kappa, 3);
  const r = c.pearson === null ? `${NONE} (${c.pearson_reason})` : num(c.pearson, 3);
  return [
    `judge ${c.judge}: ${c.b} (b) vs ${c.a} (a) on ${c.evaluation ?? NONE}; ${c.n} traces scored by both`,
    `agreement ${pct(c.agreement)} over ${c.n_labeled} labeled   cohen's kappa ${kappa}`,
    `mean score ${c.a} ${num(c.mean_a)}   ${c.b} ${num(c.mean_b)}   Δ b−a ${signed(c.mean_delta)} ${interval(c.ci95, undefined, c)}   p ${pValue(c.p_value)}   pearson r ${r}`,
  ].join('\n');
}

function tables(c: JudgeComparison): string {
  if (c.n === 0) return `${summary(c)}\n`;
  const k = c.confusion;
  const confusion = renderTable(
    ['', `${c.b} pass`, `${c.b} fail`],
    [
      [`${c.a} pass`, num(k.pass_pass), num(k.pass_fail)],
      [`${c.a} fail`, num(k.fail_pass), num(k.fail_fail)],
    ],
  );
  const byTriple = renderTable(
    ['dataset', 'dataset ver', 'model', 'prompt', 'prompt ver', 'traces', `pass ${c.a}`, `pass ${c.b}`, `mean ${c.a}`, `mean ${c.b}`],
    c.by_triple.map((t) => [t.dataset, t.dataset_version, t.model, t.prompt, t.prompt_version, num(t.n), pct(t.pass_rate_a), pct(t.pass_rate_b), num(t.mean_a), num(t.mean_b)]),
  );
  const parts = [summary(c), section('\nconfusion', confusion), section('effect by triple', byTriple)];
  if (c.conclusions.length) {
    const wins = renderTable(
      ['dataset ver', 'model', 'prompt', 'versions', `best under ${c.a}`, `best under ${c.b}`, 'changed', 'by'],
      c.conclusions.map((x) => [x.dataset_version, x.model, x.prompt, x.prompt_versions.join(' '), x.best_a ?? 'tie', x.best_b ?? 'tie', x.changed ? 'YES' : 'no', x.basis.replace('_', ' ')]),
    );
    parts.push(section('which prompt version wins', wins));
  }
  const shown = c.disagreements.length;
  const disagreements = shown
    ? renderTable(
        ['trace id', 'example', 'model', 'prompt', 'prompt ver', `label ${c.a}`, `label ${c.b}`, `score ${c.a}`, `score ${c.b}`],
        c.disagreements.map((d) => [d.trace_id, d.example_id || NONE, d.model, d.prompt, d.prompt_version, d.label_a, d.label_b, num(d.score_a), num(d.score_b)]),
      )
    : 'none';
  const more = c.next_cursor ? `\n\nmore: --cursor ${c.next_cursor}` : '';
  parts.push(section(`disagreements (${c.n_disagreements}, showing ${shown})`, disagreements + more));
  return parts.join('\n');
}

export const compareJudgesCommand: Command = {
  args: ['NAME', 'A', 'B'],
  summary: 'judge NAME version B against version A on the same traces: agreement, kappa, deltas, disagreements',
  options: { ...pick(FILTER_OPTIONS), ...PAGE_OPTIONS },
  exports: true,
  run: (ctx) => {
    const [judge, a, b] = ctx.args;
    const query = { judge, a, b, ...queryOf(ctx, [...FILTER_OPTIONS, ...Object.keys(PAGE_OPTIONS)]) };
    return fetchAndShow<JudgeComparison>(ctx, '/api/compare/judges', query, tables);
  },
};
