/**
 * The release card's content: configuration, evaluation datasets, quality
 * per judge version, cost and latency, the gate decisions and approvals,
 * the reproducibility envelope, known regressions and the rollback candidate.
 */
import { notFound } from '../errors.js';
import { getDecisions } from '../gates/decisions.js';
import { triples } from '../query/triples.js';
import type { Store } from '../store/types.js';
import { envelopeOf } from './envelope.js';
import { loadRelease, loadReleases } from './registry.js';
import { findRollbackCandidate } from './rollback.js';
import type { Card } from './schemas.js';
import { configFilter } from './traces.js';

export async function buildCard(store: Store, project: string, id: string): Promise<Card> {
  const release = await loadRelease(store, project, id);
  if (!release) throw notFound(`release ${id} not found`);
  const c = release.config;
  const decisionIds = [...new Set(release.history.flatMap((e) => (e.gate_decision_id === null ? [] : [e.gate_decision_id])))];
  const [groups, decisions, env, siblings] = await Promise.all([
    triples(store, project, configFilter(c)),
    getDecisions(store, project, decisionIds),
    envelopeOf(store, project, c),
    loadReleases(store, project, { name: release.name }),
  ]);
  const records = decisionIds.flatMap((d) => decisions.get(d) ?? []);

  return {
    release,
    datasets: groups.map((g) => ({
      dataset: g.dataset,
      dataset_version: g.dataset_version,
      n_traces: g.n_traces,
      n_success: g.n_success,
      n_errors: g.n_errors,
      cost_usd: g.cost_usd,
      cost_per_task: g.cost_per_task,
      cost_per_success: g.cost_per_success,
      latency_ms_p50: g.latency_ms_p50,
      latency_ms_p95: g.latency_ms_p95,
      first_seen: g.first_seen,
      last_seen: g.last_seen,
    })),
    quality: groups.flatMap((g) =>
      g.judges.map((j) => ({
        dataset: g.dataset,
        dataset_version: g.dataset_version,
        judge: j.judge,
        judge_version: j.judge_version,
        evaluation: j.evaluation,
        qualifying: j.judge === c.judge && j.judge_version === c.judge_version,
        n_scored: j.n_scored,
        score_mean: j.score_mean,
        score_ci95: j.score_ci95,
        low_n: j.low_n,
        ci_note: j.ci_note,
        n_labeled: j.n_labeled,
        pass_rate: j.pass_rate,
      })),
    ),
    gate_decisions: records.map((d) => ({
      id: d.id,
      created_at: d.created_at,
      decision: d.decision,
      baseline: (d.inputs.baseline ?? {}) as Record<string, unknown>,
      candidate: (d.inputs.candidate ?? {}) as Record<string, unknown>,
      reasons: d.result.reasons,
      checks: d.result.checks.map((k) => ({
        metric: k.evaluation !== null && k.evaluation !== k.metric ? `${k.metric} (${k.evaluation})` : k.metric,
        severity: k.severity,
        outcome: k.outcome,
        baseline: k.baseline,
        candidate: k.candidate,
        delta: k.delta,
        ci95: k.ci95,
        // Decisions recorded before the note existed have none.
        ci_note: k.ci_note ?? null,
      })),
    })),
    ...env,
    known_regressions: records.flatMap((d) =>
      d.result.checks
        .filter((k) => k.outcome !== 'pass')
        .map((k) => ({
          decision_id: d.id,
          metric: k.metric,
          evaluation: k.evaluation,
          severity: k.severity,
          outcome: k.outcome,
          delta: k.delta,
          ci95: k.ci95,
          reason: k.reason,
          sample_trace_ids: [...new Set(k.regressions.flatMap((r) => r.candidate_trace_ids))],
        })),
    ),
    rollback_candidate: await findRollbackCandidate(store, project, release.name, siblings),
  };
}
