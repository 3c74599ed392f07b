/** The release card as Markdown: one section per part of the card, tables where there are rows. */
import { fmt } from '../gates/outcome.js';
import { usd } from '../web/money.js';
import type { Card } from './schemas.js';

const NONE = '—';
const n = (x: number | null) => (x === null ? NONE : fmt(x));
const pct = (x: number | null) => (x === null ? NONE : `${(x * 100).toFixed(1)}%`);
const ci = (x: [number, number] | null) => (x === null ? NONE : `[${fmt(x[0])}, ${fmt(x[1])}]`);
/** Table cells: pipes and newlines would break the row. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function table(headers: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `_${empty}_\n`;
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return `${[line(headers), `|${headers.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n')}\n`;
}

function configuration(card: Card): string {
  const c = card.release.config;
  const rows: string[][] = [
    ['model', c.model],
    ['prompt', `${c.prompt} @ ${c.prompt_version}`],
    ['dataset', c.dataset === undefined ? '(any)' : `${c.dataset} @ ${c.dataset_version ?? '(any version)'}`],
    ['judge', c.judge === undefined ? '(none named)' : `${c.judge} @ ${c.judge_version ?? '(any version)'}`],
    ...Object.entries(c.settings ?? {}).map(([k, v]) => [k, String(v)]),
  ];
  return table(['setting', 'value'], rows, 'no configuration');
}

export function renderCardMarkdown(card: Card): string {
  const r = card.release;
  const rb = card.rollback_candidate;
  const parts = [
    `# Release card: ${r.name}`,
    `Release \`${r.id}\`, stage **${r.stage}**, registered ${r.created_at} by ${r.created_by}.`,
    '## Configuration',
    configuration(card),
    '## Evaluation datasets, cost and latency',
    table(
      ['dataset', 'version', 'traces', 'success', 'errors', 'cost/task', 'cost/success', 'p50 ms', 'p95 ms'],
      card.datasets.map((d) => [
        d.dataset,
        d.dataset_version,
        String(d.n_traces),
        String(d.n_success),
        String(d.n_errors),
        usd(d.cost_per_task),
        usd(d.cost_per_success),
        n(d.latency_ms_p50),
        n(d.latency_ms_p95),
      ]),
      'no traces of this configuration in the store',
    ),
    '## Quality per judge version (95% CI)',
    table(
      ['dataset', 'version', 'judge', 'evaluation', 'n', 'mean score', '95% CI', 'pass rate'],
      card.quality.map((q) => [
        q.dataset,
        q.dataset_version,
        `${q.judge} @ ${q.judge_version}${q.qualifying ? ' (qualifying)' : ''}`,
        q.evaluation,
        String(q.n_scored),
        n(q.score_mean),
        // A flagged or missing interval carries its reason, so the card never shows bare numbers from 2 examples.
        q.ci_note ? `${ci(q.score_ci95)} (${q.ci_note})` : ci(q.score_ci95),
        pct(q.pass_rate),
      ]),
      'no judge scores',
    ),
    '## Gate decisions',
    table(
      ['decision', 'result', 'time', 'checks'],
      card.gate_decisions.map((d) => [d.id, d.decision, d.created_at, d.checks.map((k) => `${k.metric}: ${k.outcome}`).join(', ')]),
      'no gate decision cited by this release',
    ),
    '## Approvals (append-only history)',
    table(
      ['time', 'action', 'from', 'to', 'approver', 'reason', 'gate decision', 'override'],
      r.history.map((e) => [
        e.at,
        e.action,
        e.from_stage ?? NONE,
        e.to_stage,
        e.approver,
        e.reason,
        e.gate_decision_id ?? NONE,
        e.override ? 'yes' : 'no',
      ]),
      'no events',
    ),
    '## Reproducibility envelope',
    table(
      ['attribute', 'value', 'traces'],
      card.envelope.flatMap((e) => e.values.map((v) => [e.key, v.value, String(v.n_traces)])),
      'the traces recorded no envelope',
    ) + (card.n_traces_without_envelope > 0 ? `\n${card.n_traces_without_envelope} traces carry no envelope attributes.\n` : ''),
    '## Known regressions',
    table(
      ['decision', 'metric', 'severity', 'outcome', 'Δ', '95% CI', 'sample traces'],
      card.known_regressions.map((k) => [
        k.decision_id,
        k.evaluation !== null && k.evaluation !== k.metric ? `${k.metric} (${k.evaluation})` : k.metric,
        k.severity,
        k.outcome,
        n(k.delta),
        ci(k.ci95),
        k.sample_trace_ids.slice(0, 5).join(' '),
      ]),
      'none recorded in the cited gate decisions',
    ),
    '## Rollback candidate',
    rb.candidate
      ? `Release \`${rb.candidate.release.id}\` (${rb.candidate.release.config.model}, ${rb.candidate.release.config.prompt} @ ${rb.candidate.release.config.prompt_version}): ${rb.reason}.\n`
      : `None: ${rb.reason}.\n`,
  ];
  return parts.join('\n\n').replace(/\n{3,}/g, '\n\n');
}
