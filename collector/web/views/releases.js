/**
 * Releases and the gate decisions behind them: the registry with each
 * release's stage and configuration, one release with its append-only
 * history, rollback candidate and card, the decisions newest first, and one
 * decision with every check.
 */
import { api } from '../api.js';
import { card, empty, h, pageHeader } from '../dom.js';
import * as fmt from '../format.js';
import { href } from '../router.js';
import { dataTable } from '../table.js';
import { cautioned, tiles } from './common.js';

const releaseHref = (id) => href(`/releases/${encodeURIComponent(id)}`);
const decisionHref = (id) => href(`/gates/${encodeURIComponent(id)}`);

/** promote / warn / block, and pass / inconclusive / fail, coloured by what they mean. */
function verdict(value) {
  const tone = { promote: 'ok', pass: 'ok', block: 'bad', fail: 'bad' }[value] ?? '';
  return h('span', { class: `badge ${tone}`, 'data-testid': 'verdict' }, value);
}

/** The versions a release ships and was qualified on, as one line. */
function configText(c) {
  const parts = [`${c.model}`, `${c.prompt} ${c.prompt_version}`];
  if (c.dataset) parts.push(`dataset ${c.dataset}${c.dataset_version ? ` ${c.dataset_version}` : ''}`);
  if (c.judge) parts.push(`judge ${c.judge}${c.judge_version ? `@${c.judge_version}` : ''}`);
  return parts.join(' · ');
}

const sideText = (side) =>
  Object.entries(side)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ') || fmt.DASH;

export async function releasesView() {
  const { releases } = await api('/api/releases');
  const columns = [
    { key: 'name', label: 'Release', cell: (r) => h('a', { href: releaseHref(r.id) }, r.name) },
    { key: 'stage', label: 'Stage', cell: (r) => h('span', { class: `badge ${r.stage === 'production' ? 'ok' : ''}` }, r.stage) },
    { key: 'config', label: 'Model · prompt · dataset · judge', wrap: true, cell: (r) => configText(r.config) },
    { key: 'created', label: 'Created (UTC)', cell: (r) => fmt.dateTime(r.created_at) },
    { key: 'by', label: 'By', cell: (r) => r.created_by || fmt.DASH },
  ];
  const body = releases.length
    ? dataTable({ columns, rows: releases, testid: 'releases' })
    : empty('No release is registered yet. Register one with POST /api/releases or `evaltrace release create`.');
  return h('div', null, pageHeader('Releases', 'Each release, its stage and the versions it ships; open one for its history, gate decisions and card.'), card(null, body));
}

/** `#/releases/<id>`: stages, the history, the rollback candidate and the release card. */
export async function releaseView({ args }) {
  const id = decodeURIComponent(args[0]);
  const release = await api(`/api/releases/${encodeURIComponent(id)}`);
  const [cardBody, candidate] = await Promise.all([
    api(`/api/releases/${encodeURIComponent(id)}/card`),
    api(`/api/releases/${encodeURIComponent(release.name)}/rollback-candidate`),
  ]);
  const history = dataTable({
    testid: 'release-history',
    rows: release.history,
    columns: [
      { key: 'at', label: 'When (UTC)', cell: (e) => fmt.dateTime(e.at) },
      { key: 'action', label: 'Action', cell: (e) => e.action },
      { key: 'stages', label: 'Stage', cell: (e) => `${e.from_stage ?? '—'} → ${e.to_stage}` },
      { key: 'approver', label: 'Approver', cell: (e) => e.approver || fmt.DASH },
      { key: 'gate', label: 'Gate decision', cell: (e) => (e.gate_decision_id ? h('a', { href: decisionHref(e.gate_decision_id) }, e.gate_decision_id.slice(0, 8)) : fmt.DASH) },
      { key: 'reason', label: 'Reason', wrap: true, cell: (e) => `${e.reason}${e.override ? ' (override)' : ''}` },
    ],
  });
  const quality = cardBody.quality.length
    ? dataTable({
        testid: 'release-quality',
        rows: cardBody.quality,
        columns: [
          { key: 'dataset', label: 'Dataset version', cell: (q) => `${q.dataset} ${q.dataset_version}` },
          { key: 'judge', label: 'Judge', cell: (q) => `${q.judge}@${q.judge_version}${q.qualifying ? ' (qualifying)' : ''}` },
          { key: 'n', label: 'n', num: true, cell: (q) => fmt.count(q.n_scored) },
          { key: 'score', label: 'Mean score [95% CI]', num: true, cell: (q) => h('span', null, `${fmt.score(q.score_mean)} `, cautioned(q.score_ci95, q)) },
          { key: 'pass', label: 'Pass rate', num: true, cell: (q) => fmt.pct(q.pass_rate) },
        ],
      })
    : empty('No judge scores for this release’s traces.');
  const rollback = candidate.candidate
    ? h(
        'p',
        { 'data-testid': 'rollback-candidate' },
        'Rollback goes to ',
        h('a', { href: releaseHref(candidate.candidate.release.id) }, candidate.candidate.release.name),
        ` (${configText(candidate.candidate.release.config)}), qualified by gate decision `,
        h('a', { href: decisionHref(candidate.candidate.gate_decision_id) }, candidate.candidate.gate_decision_id.slice(0, 8)),
        `: ${candidate.reason}`,
      )
    : h('p', { class: 'muted', 'data-testid': 'rollback-candidate' }, candidate.reason);
  return h(
    'div',
    null,
    pageHeader(release.name, configText(release.config)),
    tiles([
      { label: 'Stage', value: release.stage, testid: 'tile-stage' },
      { label: 'Traces', value: fmt.count(cardBody.datasets.reduce((n, d) => n + d.n_traces, 0)), testid: 'tile-release-traces' },
      { label: 'Gate decisions', value: fmt.count(cardBody.gate_decisions.length), testid: 'tile-release-decisions' },
    ]),
    card('History', history),
    card('Rollback candidate', rollback),
    card('Quality per judge version', quality),
    card(
      'Gate decisions cited',
      cardBody.gate_decisions.length
        ? dataTable({
            testid: 'release-decisions',
            rows: cardBody.gate_decisions,
            columns: [
              { key: 'id', label: 'Decision', cell: (d) => h('a', { href: decisionHref(d.id) }, d.id.slice(0, 8)) },
              { key: 'decision', label: 'Result', cell: (d) => verdict(d.decision) },
              { key: 'at', label: 'When (UTC)', cell: (d) => fmt.dateTime(d.created_at) },
              { key: 'checks', label: 'Checks', wrap: true, cell: (d) => d.checks.map((k) => `${k.metric}: ${k.outcome}`).join(', ') },
            ],
          })
        : empty('No gate decision is cited by this release.'),
    ),
  );
}

export async function decisionsView({ params }) {
  const decision = params.get('decision') ?? undefined;
  const { decisions } = await api('/api/gates/decisions', { decision, limit: 200 });
  const columns = [
    { key: 'id', label: 'Decision', cell: (d) => h('a', { href: decisionHref(d.id) }, d.id.slice(0, 8)) },
    { key: 'decision', label: 'Result', cell: (d) => verdict(d.decision) },
    { key: 'at', label: 'When (UTC)', cell: (d) => fmt.dateTime(d.created_at) },
    { key: 'baseline', label: 'Baseline', wrap: true, cell: (d) => sideText(d.baseline) },
    { key: 'candidate', label: 'Candidate', wrap: true, cell: (d) => sideText(d.candidate) },
    { key: 'checks', label: 'Checks', wrap: true, cell: (d) => d.checks.map((k) => `${k.evaluation && k.evaluation !== k.metric ? `${k.metric} (${k.evaluation})` : k.metric}: ${k.outcome}`).join(', ') },
  ];
  const body = decisions.length ? dataTable({ columns, rows: decisions, testid: 'decisions' }) : empty('No gate has been evaluated yet (POST /api/gates/evaluate or `evaltrace gate`).');
  return h('div', null, pageHeader('Gate decisions', 'Every gate evaluation, newest first: the sides it compared and what each rule concluded.'), card(null, body));
}

/** `#/gates/<id>`: one decision with its reasons, next action and every check. */
export async function decisionView({ args }) {
  const id = decodeURIComponent(args[0]);
  const record = await api(`/api/gates/decisions/${encodeURIComponent(id)}`);
  const r = record.result;
  const checks = dataTable({
    testid: 'decision-checks',
    rows: r.checks,
    columns: [
      { key: 'metric', label: 'Rule', cell: (k) => `${k.metric}${k.evaluation && k.evaluation !== k.metric ? ` (${k.evaluation})` : ''} · ${k.direction.replace(/_/g, ' ')} · ${k.severity}` },
      { key: 'outcome', label: 'Outcome', cell: (k) => verdict(k.outcome) },
      { key: 'n', label: 'n', num: true, cell: (k) => h('span', { class: k.sufficient ? '' : 'low-n', title: k.sufficient ? '' : `fewer than min_n (${r.min_n ?? ''})` }, fmt.count(k.n)) },
      { key: 'values', label: 'Baseline → candidate', num: true, cell: (k) => `${fmt.score(k.baseline)} → ${fmt.score(k.candidate)}` },
      { key: 'delta', label: 'Δ [95% CI]', num: true, cell: (k) => h('span', null, `${fmt.delta(k.delta)} `, cautioned(k.ci95, k)) },
      { key: 'reason', label: 'Why', wrap: true, cell: (k) => k.reason },
    ],
  });
  return h(
    'div',
    null,
    pageHeader(`Gate decision ${id.slice(0, 8)}`, `${fmt.dateTime(record.created_at)} UTC · baseline ${sideText(record.inputs.baseline ?? {})} · candidate ${sideText(record.inputs.candidate ?? {})}`),
    tiles([{ label: 'Decision', value: verdict(r.decision), testid: 'tile-decision' }]),
    card('Reasons', h('ul', { 'data-testid': 'decision-reasons' }, r.reasons.map((x) => h('li', null, x))), h('p', null, h('strong', null, 'Next: '), r.next_action)),
    card('Checks', checks),
  );
}
