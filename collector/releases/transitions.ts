/**
 * Registering, promoting and rolling back releases. Transitions of one
 * release name run one at a time in this process, so two promotions cannot
 * both read "staging" and both write "production".
 */
import { notFound } from '../errors.js';
import { getDecision } from '../gates/decisions.js';
import type { Store } from '../store/types.js';
import { checkGate, LifecycleError, nextStage } from './lifecycle.js';
import { appendEvents, insertRelease, loadRelease, loadReleases, type NewEvent } from './registry.js';
import { findRollbackCandidate } from './rollback.js';
import type { PromoteRequest, Release, ReleaseConfig, RollbackRequest } from './schemas.js';

const queues = new Map<string, Promise<unknown>>();

function serialized<T>(key: string, task: () => Promise<T>): Promise<T> {
  const run = (queues.get(key) ?? Promise.resolve()).then(task, task);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}

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
  const id = await insertRelease(store, project, { name: body.name, config: body.config, createdBy: body.created_by, reason: body.reason ?? 'registered' });
  return mustLoad(store, project, id);
}

/** One step up the lifecycle; reaching production archives the release that was there. */
export async function promoteRelease(
  store: Store,
  project: string,
  id: string,
  body: PromoteRequest,
): Promise<{ release: Release; superseded: Release[] }> {
  const name = (await mustLoad(store, project, id)).name;
  return serialized(lockKey(project, name), async () => {
    const release = await mustLoad(store, project, id);
    const to = nextStage(release);
    const override = body.override === true;
    const decision = body.gate_decision_id === undefined ? null : await getDecision(store, project, body.gate_decision_id);
    checkGate(release, body.gate_decision_id, decision, override);
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
    return {
      release: await mustLoad(store, project, id),
      superseded: await Promise.all(previous.map((p) => mustLoad(store, project, p.id))),
    };
  });
}

/** Takes a production release out and restores the name's rollback candidate in its place. */
export async function rollbackRelease(
  store: Store,
  project: string,
  id: string,
  body: RollbackRequest,
): Promise<{ rolled_back: Release; restored: Release }> {
  const name = (await mustLoad(store, project, id)).name;
  return serialized(lockKey(project, name), async () => {
    const releases = await loadReleases(store, project, { name });
    const release = releases.find((r) => r.id === id)!;
    if (release.stage !== 'production') {
      throw new LifecycleError(409, 'invalid_transition', `release ${id} is in ${release.stage}, not production, so there is nothing to roll back`);
    }
    const found = await findRollbackCandidate(store, project, name, releases);
    if (!found.candidate) throw new LifecycleError(409, 'no_rollback_candidate', `cannot roll back release ${id}: ${found.reason}`);
    const target = found.candidate.release;
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
    return { rolled_back: await mustLoad(store, project, id), restored: await mustLoad(store, project, target.id) };
  });
}
