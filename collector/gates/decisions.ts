/** Decision records: every gate evaluation, stored once and fetchable by id. */
import type { Store } from '../store/types.js';
import { toClickHouseTime, toIso } from '../clock.js';
import type { Decision, DecisionList, DecisionRecord, GateResult } from './schemas.js';

export async function saveDecision(store: Store, project: string, at: bigint, inputs: unknown, result: GateResult): Promise<void> {
  await store.insert('decisions', [
    {
      project,
      id: result.decision_id,
      created_at: toClickHouseTime(at),
      decision: result.decision,
      inputs: JSON.stringify(inputs),
      result: JSON.stringify(result),
    },
  ]);
}

interface DecisionRow {
  id: string;
  created_us: string;
  decision: Decision;
  inputs: string;
  result: string;
}

/** The records with these ids in the project (ids of other projects are simply absent). */
export async function getDecisions(store: Store, project: string, ids: readonly string[]): Promise<Map<string, DecisionRecord>> {
  if (ids.length === 0) return new Map();
  const rows = await store.query<DecisionRow>(
    `SELECT id, toString(toUnixTimestamp64Micro(created_at)) AS created_us, decision, inputs, result
     FROM decisions
     WHERE project = {project:String} AND id IN {ids:Array(String)}
     LIMIT 1 BY id`,
    { project, ids: [...new Set(ids)] },
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        created_at: toIso(r.created_us),
        decision: r.decision,
        inputs: JSON.parse(r.inputs) as Record<string, unknown>,
        result: JSON.parse(r.result) as GateResult,
      },
    ]),
  );
}

export async function getDecision(store: Store, project: string, id: string): Promise<DecisionRecord | null> {
  return (await getDecisions(store, project, [id])).get(id) ?? null;
}

/** The project's decisions, newest first, each with its sides and the outcome of every check. */
export async function listDecisions(store: Store, project: string, q: { limit: number; decision?: Decision }): Promise<DecisionList> {
  const rows = await store.query<DecisionRow>(
    `SELECT id, toString(toUnixTimestamp64Micro(created_at)) AS created_us, decision, inputs, result
     FROM decisions
     WHERE project = {project:String} AND ({decision:String} = '' OR decision = {decision:String})
     ORDER BY created_at DESC, id
     LIMIT 1 BY id
     LIMIT {limit:UInt32}`,
    { project, decision: q.decision ?? '', limit: q.limit },
  );
  return {
    decisions: rows.map((r) => {
      const inputs = JSON.parse(r.inputs) as Record<string, unknown>;
      const result = JSON.parse(r.result) as GateResult;
      return {
        id: r.id,
        created_at: toIso(r.created_us),
        decision: r.decision,
        baseline: (inputs.baseline ?? {}) as Record<string, unknown>,
        candidate: (inputs.candidate ?? {}) as Record<string, unknown>,
        checks: result.checks.map((k) => ({ metric: k.metric, evaluation: k.evaluation, severity: k.severity, outcome: k.outcome })),
        next_action: result.next_action,
      };
    }),
  };
}
