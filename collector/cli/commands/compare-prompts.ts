import type { PromptComparison } from '../../query/compare-prompts.js';
import type { PairedComparison } from '../../query/paired-examples.js';
import type { PairedCostPer, PairedMeans } from '../../stats/index.js';
import { type Command, fetchAndShow, pick, queryOf } from '../command.js';
import { interval, NONE, num, pct, pp, pValue, signed, signedUsd, usd } from '../format.js';
import { renderTable } from '../table.js';

const OPTIONS = ['dataset', 'dataset-version', 'model', 'judge', 'judge-version', 'evaluation', 'since', 'until'];

type Fmt = (x: number | null) => string;

function meansRow(name: string, m: PairedMeans | null, value: Fmt, delta: Fmt): string[] {
  if (!m) return [name, '0', NONE, NONE, NONE, NONE, NONE, NONE];
  return [
    name,
    num(m.n_pairs),
    value(m.mean_a),
    value(m.mean_b),
    delta(m.mean_delta),
    interval(m.ci95, delta, m),
    pValue(m.p_value),
    `${m.wins}/${m.losses}/${m.ties}`,
  ];
}

function costPerRow(name: string, c: PairedCostPer | null): string[] {
  if (!c) return [name, '0', NONE, NONE, NONE, NONE, NONE, NONE];
  return [name, num(c.n_pairs), usd(c.a), usd(c.b), signedUsd(c.delta), interval(c.delta_ci95, signedUsd, c), 'bootstrap', `ratio ${num(c.ratio, 3)} ${interval(c.ratio_ci95, (x) => num(x, 3))}`];
}

/** The metrics table of one paired comparison (compare prompts: one per model; compare runs: one). */
export function pairedTable(title: string, m: PairedComparison, a: string, b: string, extra: string[][] = []): string {
  const u = m.unpaired;
  const head =
    `${title}: ${m.n_pairs} paired examples` +
    ` (unpaired: ${u.a_only} only in ${a}, ${u.b_only} only in ${b}, ${u.no_example_id_a + u.no_example_id_b} traces without example id)`;
  const pass = m.pass_rate;
  const rows = [
    meansRow('score', { ...m, n_pairs: m.n_scored_pairs }, (x) => num(x), (x) => signed(x)),
    pass
      ? ['pass rate', num(pass.n_pairs), pct(pass.rate_a), pct(pass.rate_b), pp(pass.delta), interval(pass.ci95, pp, pass), `${pValue(pass.p_value)} McNemar`, `${pass.wins}/${pass.losses}/${pass.ties}`]
      : ['pass rate', '0', NONE, NONE, NONE, NONE, NONE, NONE],
    ...extra,
    meansRow('cost/task', m.cost_per_task, usd, signedUsd),
    costPerRow('cost/success', m.cost_per_success),
    costPerRow('cost/pass', m.cost_per_pass),
    meansRow('input tokens', m.input_tokens, (x) => num(x), (x) => signed(x)),
    meansRow('output tokens', m.output_tokens, (x) => num(x), (x) => signed(x)),
    meansRow('latency ms', m.latency_ms, (x) => num(x), (x) => signed(x)),
  ];
  return `${head}\n${renderTable(['metric', 'pairs', `${a} (a)`, `${b} (b)`, 'Δ b−a', '95% CI', 'p', 'W/L/T'], rows)}\n`;
}

function comparisonTables(c: PromptComparison): string {
  const score = c.score ? `score: ${c.score.judge} ${c.score.judge_version} ${c.score.evaluation}` : 'no judge scores';
  const head = `prompt ${c.prompt}: ${c.b} (b) vs ${c.a} (a); ${score}\n${c.pairing}\n`;
  if (c.models.length === 0) return `${head}\nno task traces of these versions match\n`;
  return [head, ...c.models.map((m) => pairedTable(`model ${m.model}`, m, c.a, c.b))].join('\n');
}

export const comparePromptsCommand: Command = {
  args: ['NAME', 'A', 'B'],
  summary: 'paired comparison of prompt NAME version B (candidate) against A (baseline), per model',
  options: pick(OPTIONS),
  exports: true,
  run: (ctx) => {
    const [prompt, a, b] = ctx.args;
    return fetchAndShow<PromptComparison>(ctx, '/api/compare/prompts', { prompt, a, b, ...queryOf(ctx, OPTIONS) }, comparisonTables);
  },
};
