import type { Check, GateResult } from '../../gates/schemas.js';
import type { Command, CommandContext } from '../command.js';
import { interval, NONE, num, signed } from '../format.js';
import { readJsonFile } from '../files.js';
import { renderTable } from '../table.js';

/** Exit codes for CI: promote 0, block 1, warn 2 (0 with --warn-ok). */
const EXIT = { promote: 0, block: 1, warn: 2 } as const;

const ruleName = (k: Check) => (k.evaluation !== null && k.evaluation !== k.metric ? `${k.metric} (${k.evaluation})` : k.metric);

export function gateReport(r: GateResult): string {
  const table = renderTable(
    ['rule', 'severity', 'n', 'baseline', 'candidate', 'Δ', '95% CI', 'allowed worse', 'outcome'],
    r.checks.map((k) => [
      ruleName(k),
      k.severity,
      `${k.n}${k.sufficient ? '' : ' (<min_n)'}`,
      num(k.baseline),
      num(k.candidate),
      signed(k.delta),
      interval(k.ci95, undefined, k),
      k.margin.allowed_worsening === null ? NONE : num(k.margin.allowed_worsening, 3),
      k.outcome.toUpperCase(),
    ]),
  );
  const samples = r.checks
    .filter((k) => k.regressions.length > 0)
    .map((k) => `  ${ruleName(k)}: ${k.regressions.map((s) => `${s.example_id || '(no example id)'} ${s.candidate_trace_ids.join(',')}`).join('; ')}`);
  const p = r.pairing;
  return [
    `decision: ${r.decision.toUpperCase()}    (decision id ${r.decision_id})`,
    `evidence: baseline ${r.counts.baseline.traces} traces / ${r.counts.baseline.examples} examples, candidate ${r.counts.candidate.traces} traces / ${r.counts.candidate.examples} examples; ` +
      (p.paired ? `paired on ${p.n_shared_examples} shared examples` : 'unpaired (too few shared examples)'),
    '',
    table,
    '',
    'reasons:',
    ...r.reasons.map((x) => `  - ${x}`),
    ...(samples.length > 0 ? ['', 'regression samples (example: candidate traces):', ...samples] : []),
    '',
    `next: ${r.next_action}`,
    '',
  ].join('\n');
}

export const gateCommand: Command = {
  args: [],
  summary: 'evaluate a promotion gate from a JSON file (baseline, candidate, rules, min_n); exit 0 promote, 1 block, 2 warn',
  options: {
    config: { type: 'string', description: 'JSON file with the gate: { baseline, candidate, rules, min_n } (the body of POST /api/gates/evaluate)' },
    'warn-ok': { type: 'boolean', description: 'exit 0 on warn too (only block fails)' },
  },
  exports: false,
  async run(ctx: CommandContext): Promise<number> {
    const body = readJsonFile(ctx.options.config, 'config');
    const result = await ctx.client.post<GateResult>('/api/gates/evaluate', body);
    ctx.write(ctx.json ? `${JSON.stringify(result, null, 2)}\n` : gateReport(result));
    return result.decision === 'warn' && ctx.options['warn-ok'] === true ? 0 : EXIT[result.decision];
  },
};
