/**
 * The lifecycle rules, as pure functions: candidate → staging → production
 * → archived, one step per promotion; promotion needs a gate decision that
 * said promote for this configuration, or an explicit override.
 */
import { DomainError } from '../errors.js';
import type { DecisionRecord } from '../gates/schemas.js';
import type { Release, ReleaseConfig, Stage } from './schemas.js';

/** A refused transition: a conflict when the release's state forbids it, unprocessable when the evidence offered does not allow it. */
export class LifecycleError extends DomainError {
  constructor(kind: 'conflict' | 'unprocessable', code: string, message: string) {
    super(kind, code, message);
    this.name = 'LifecycleError';
  }
}

const NEXT: Partial<Record<Stage, Stage>> = { candidate: 'staging', staging: 'production' };

export function nextStage(r: Release): Stage {
  const next = NEXT[r.stage];
  if (next) return next;
  const why =
    r.stage === 'production'
      ? 'it is already in production; a newer release supersedes it when promoted to production'
      : 'it is archived; register a new release, or roll back to restore a former production release';
  throw new LifecycleError('conflict', 'invalid_transition', `release ${r.id} (${r.name}) cannot be promoted: ${why}`);
}

/** The keys a gate's candidate must name exactly as the release does, and those it must not contradict. */
const REQUIRED = ['model', 'prompt_version'] as const;
const OPTIONAL = ['prompt', 'dataset', 'dataset_version', 'judge', 'judge_version'] as const;

function mismatches(config: ReleaseConfig, candidate: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const key of REQUIRED) {
    if (candidate[key] !== config[key]) out.push(`${key}: release ${config[key]}, gate candidate ${String(candidate[key] ?? '(any)')}`);
  }
  for (const key of OPTIONAL) {
    const v = candidate[key];
    if (v !== undefined && config[key] !== undefined && v !== config[key]) out.push(`${key}: release ${config[key]}, gate candidate ${String(v)}`);
  }
  return out;
}

/**
 * Checks the evidence for a promotion. Without override the decision must
 * exist, have said promote and have evaluated this configuration as its
 * candidate; with override a named decision must at least exist.
 */
export function checkGate(r: Release, decisionId: string | undefined, decision: DecisionRecord | null, override: boolean): void {
  if (decisionId === undefined) {
    if (override) return;
    throw new LifecycleError('unprocessable',
      'gate_decision_required',
      `promoting release ${r.id} needs gate_decision_id: the id of a gate decision that said promote for this configuration ` +
        '(POST /api/gates/evaluate), or override: true with an approver and a reason',
    );
  }
  if (decision === null) throw new LifecycleError('unprocessable', 'gate_decision_not_found', `gate decision ${decisionId} not found in this project`);
  if (override) return;
  if (decision.decision !== 'promote') {
    const why = decision.result.reasons.slice(0, 3).join('; ');
    throw new LifecycleError('unprocessable',
      'gate_decision_not_promote',
      `gate decision ${decisionId} said ${decision.decision}, not promote (${why}); fix and re-run the gate, or promote with override: true and a reason`,
    );
  }
  const candidate = (decision.inputs.candidate ?? {}) as Record<string, unknown>;
  const diff = mismatches(r.config, candidate);
  if (diff.length > 0) {
    throw new LifecycleError('unprocessable',
      'gate_decision_mismatch',
      `gate decision ${decisionId} evaluated a different configuration than release ${r.id}: ${diff.join('; ')}`,
    );
  }
}
