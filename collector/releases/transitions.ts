/**
 * Registering, promoting and rolling back releases. Transitions of one
 * release name run one at a time in this process, so two promotions cannot
 * both read "staging" and both write "production".
 */
import { notFound } from '../errors.js';
import { getDecision } from '../gates/decisions.js';
import { serializer } from '../serial.js';
import type { Store } from '../store/types.js';
import { checkGate, LifecycleError, nextStage } from './lifecycle.js';
import { appendEvents, insertRelease, loadRelease, loadReleases, type NewEvent } from './registry.js';
import { labelFor, movePromptLabel, type PromptLabelMove, registeredVersion } from './prompt-labels.js';
import { findRollbackCandidate } from './rollback.js';
import type { PromoteRequest, Release, ReleaseConfig, RollbackRequest } from './schemas.js';

const serialized = serializer();

const lockKey = (project: string, name: string) => `${project}\u0000${name}`;

async function mustLoad(store: Store, project: string, id: string): Promise<Release> {
  const r = await loadRelease(store, project, id);
  if (!r) throw notFound(`release ${id} not found`);
  return r;
}

export async function registerRelease(
  store: Store,
  project: string,
  body: { name: string; config: ReleaseConfig; created_by: string; reason?: string },
): Promise<Release> {
  await registeredVersion(store, project, body.config);
  const id = await insertRelease(store, project, { name: body.name, config: body.config, createdBy: body.created_by, reason: body.reason ?? 'registered' });
  return mustLoad(store, project, id);
}

/** One step up the lifecycle; reaching production archives the release that was there. */
export async function promoteRelease(
  store: Store,
  project: string,
  id: string,
  body: PromoteRequest,
): Promise<{ release: Release; superseded: Release[]; prompt_label: PromptLabelMove | null }> {
  const name = (await mustLoad(store, project, id)).name;
  return serialized(lockKey(project, name), async () => {
    const release = await mustLoad(store, project, id);
    const to = nextStage(release);
    const override = body.override === true;
    const decision = body.gate_decision_id === undefined ? null : await getDecision(store, project, body.gate_decision_id);
    checkGate(release, body.gate_decision_id, decision, override);
    const label = labelFor(to, body.prompt_label);
    const registered = label === null ? null : await registeredVersion(store, project, release.config);
    if (registered === null && typeof body.prompt_label === 'string') {
      throw new LifecycleError('unprocessable', 'prompt_not_registered', `prompt_label ${body.prompt_label}: prompt ${release.config.prompt} is not in the prompt registry, so it has no labels to move`);
    }
    const approval = { approver: body.approver, gateDecisionId: body.gate_decision_id ?? null, override };
    const previous = to === 'production' ? (await loadReleases(store, project, { name })).filter((r) => r.stage === 'production') : [];
    const events: NewEvent[] = previous.map((p) => ({
      release: p,
      action: 'supersede',
      from: 'production',
      to: 'archived',
      reason: `superseded by release ${release.id}: ${body.reason}`,
      ...approval,
    }));
    events.push({ release, action: 'promote', from: release.stage, to, reason: body.reason, ...approval });
    await appendEvents(store, project, events);
    const reason = `release ${release.id} (${release.name}) promoted to ${to}: ${body.reason}`;
    return {
      release: await mustLoad(store, project, id),
      superseded: await Promise.all(previous.map((p) => mustLoad(store, project, p.id))),
      prompt_label: registered && label ? await movePromptLabel(store, project, release, registered, label, { approver: body.approver, reason }) : null,
    };
  });
}

/** Takes a production release out and restores the name's rollback candidate in its place. */
export async function rollbackRelease(
  store: Store,
  project: string,
  id: string,
  body: RollbackRequest,
): Promise<{ rolled_back: Release; restored: Release; prompt_label: PromptLabelMove | null }> {
  const name = (await mustLoad(store, project, id)).name;
  return serialized(lockKey(project, name), async () => {
    const releases = await loadReleases(store, project, { name });
    const release = releases.find((r) => r.id === id)!;
    if (release.stage !== 'production') {
      throw new LifecycleError('conflict', 'invalid_transition', `release ${id} is in ${release.stage}, not production, so there is nothing to roll back`);
    }
    const found = await findRollbackCandidate(store, project, name, releases);
    if (!found.candidate) throw new LifecycleError('conflict', 'no_rollback_candidate', `cannot roll back release ${id}: ${found.reason}`);
    const target = found.candidate.release;
    const registered = await registeredVersion(store, project, target.config, 'skip');
    await appendEvents(store, project, [
      { release, action: 'rollback', from: 'production', to: 'archived', approver: body.approver, reason: body.reason, gateDecisionId: null, override: false },
      {
        release: target,
        action: 'restore',
        from: target.stage,
        to: 'production',
        approver: body.approver,
        reason: `restored by the rollback of release ${id}: ${body.reason}`,
        gateDecisionId: found.candidate.gate_decision_id,
        override: false,
      },
    ]);
    const reason = `release ${target.id} (${name}) restored by the rollback of release ${id}: ${body.reason}`;
    return {
      rolled_back: await mustLoad(store, project, id),
      restored: await mustLoad(store, project, target.id),
      prompt_label: registered ? await movePromptLabel(store, project, target, registered, 'production', { approver: body.approver, reason }) : null,
    };
  });
}
