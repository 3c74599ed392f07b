/**
 * The rollback candidate of a release name: the release that was in
 * production most recently (not counting the current one) whose evidence is
 * still in the store: the gate decision it was promoted on, and traces of
 * its configuration. A release that was itself rolled back never qualifies.
 */
import { getDecisions } from '../gates/decisions.js';
import type { DecisionRecord } from '../gates/schemas.js';
import type { Store } from '../store/types.js';
import type { Release, ReleaseEvent, RollbackCandidate } from './schemas.js';
import { countTraces } from './traces.js';

interface Former {
  release: Release;
  entry: ReleaseEvent;
  exit: ReleaseEvent;
}

/** Releases that were in production and left it, most recently left first. */
function formerProduction(releases: readonly Release[]): Former[] {
  const out: Former[] = [];
  for (const release of releases) {
    if (release.stage === 'production') continue;
    const h = release.history;
    let entryIndex = -1;
    h.forEach((e, i) => {
      if (e.to_stage === 'production') entryIndex = i;
    });
    const exit = h[entryIndex + 1];
    if (entryIndex < 0 || exit === undefined) continue;
    out.push({ release, entry: h[entryIndex]!, exit });
  }
  return out.sort((x, y) => (x.exit.at < y.exit.at ? 1 : x.exit.at > y.exit.at ? -1 : 0));
}

interface Assessment {
  qualifies: boolean;
  reason: string;
  nTraces: number;
}

async function assess(store: Store, project: string, f: Former, decisions: Map<string, DecisionRecord>): Promise<Assessment> {
  const no = (reason: string): Assessment => ({ qualifies: false, reason, nTraces: 0 });
  const id = f.entry.gate_decision_id;
  if (f.exit.action === 'rollback') return no(`it was rolled back out of production at ${f.exit.at} (${f.exit.reason})`);
  if (id === null) return no('it reached production by override without a gate decision, so there is no decision to stand on');
  const decision = decisions.get(id);
  if (!decision) return no(`its gate decision ${id} is no longer in the store`);
  const nTraces = await countTraces(store, project, f.release.config);
  if (nTraces === 0) return no('no traces of its configuration remain in the store');
  return {
    qualifies: true,
    nTraces,
    reason:
      `it was in production until ${f.exit.at}, promoted on gate decision ${id} (${decision.decision}${f.entry.override ? ', with override' : ''}), ` +
      `and ${nTraces} traces of its configuration are in the store`,
  };
}

export async function findRollbackCandidate(store: Store, project: string, name: string, releases: readonly Release[]): Promise<RollbackCandidate> {
  const production = releases.filter((r) => r.stage === 'production').map((r) => r.id);
  const former = formerProduction(releases);
  const decisions = await getDecisions(
    store,
    project,
    former.flatMap((f) => (f.entry.gate_decision_id === null ? [] : [f.entry.gate_decision_id])),
  );
  const considered: RollbackCandidate['considered'] = [];
  let candidate: RollbackCandidate['candidate'] = null;
  let why = '';
  for (const f of former) {
    const a = await assess(store, project, f, decisions);
    considered.push({ release_id: f.release.id, qualifies: a.qualifies, reason: a.reason });
    if (a.qualifies && candidate === null) {
      candidate = { release: f.release, gate_decision_id: f.entry.gate_decision_id!, n_traces: a.nTraces, left_production_at: f.exit.at };
      why = `release ${f.release.id} qualifies: ${a.reason}`;
    }
  }
  if (candidate === null) {
    why =
      former.length === 0
        ? `no release named ${name} has left production yet, so there is nothing to roll back to`
        : `none of the ${former.length} former production releases of ${name} qualifies (see considered)`;
  }
  return { name, production, candidate, reason: why, considered };
}
