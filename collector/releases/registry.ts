/**
 * The release registry's storage: releases are written once, events only
 * appended. A release's stage is the to_stage of its latest event.
 */
import { randomUUID } from 'node:crypto';
import { nowMicros, toClickHouseTime, toIso } from '../clock.js';
import type { Store } from '../store/types.js';
import type { Action, Release, ReleaseConfig, ReleaseEvent, Stage } from './schemas.js';

export interface NewEvent {
  release: Pick<Release, 'id' | 'name'>;
  action: Action;
  from: Stage | null;
  to: Stage;
  approver: string;
  reason: string;
  gateDecisionId: string | null;
  override: boolean;
}

/** Appends events in one insert, timed in the order given. */
export async function appendEvents(store: Store, project: string, events: readonly NewEvent[]): Promise<void> {
  await store.insert(
    'release_events',
    events.map((e) => ({
      project,
      event_id: randomUUID(),
      release_id: e.release.id,
      name: e.release.name,
      action: e.action,
      from_stage: e.from ?? '',
      to_stage: e.to,
      approver: e.approver,
      reason: e.reason,
      gate_decision_id: e.gateDecisionId ?? '',
      override: e.override,
      at: toClickHouseTime(nowMicros()),
    })),
  );
}

export async function insertRelease(
  store: Store,
  project: string,
  r: { name: string; config: ReleaseConfig; createdBy: string; reason: string },
): Promise<string> {
  const id = randomUUID();
  await store.insert('releases', [
    { project, id, name: r.name, config: JSON.stringify(r.config), created_at: toClickHouseTime(nowMicros()), created_by: r.createdBy },
  ]);
  await appendEvents(store, project, [
    { release: { id, name: r.name }, action: 'register', from: null, to: 'candidate', approver: r.createdBy, reason: r.reason, gateDecisionId: null, override: false },
  ]);
  return id;
}

interface ReleaseRow {
  id: string;
  name: string;
  config: string;
  created_us: string;
  created_by: string;
}

interface EventRow {
  event_id: string;
  release_id: string;
  action: ReleaseEvent['action'];
  from_stage: string;
  to_stage: Stage;
  approver: string;
  reason: string;
  gate_decision_id: string;
  override: boolean;
}

/** Releases (with their full history) by id or by name, oldest first; both filters optional. */
export async function loadReleases(store: Store, project: string, by: { id?: string; name?: string } = {}): Promise<Release[]> {
  const params = { project, id: by.id ?? '', name: by.name ?? '' };
  const where = `project = {project:String}${by.id !== undefined ? ' AND id = {id:String}' : ''}${by.name !== undefined ? ' AND name = {name:String}' : ''}`;
  const rows = await store.query<ReleaseRow>(
    `SELECT id, name, config, toString(toUnixTimestamp64Micro(created_at)) AS created_us, created_by
     FROM releases WHERE ${where}
     ORDER BY created_at, id
     LIMIT 1 BY id`,
    params,
  );
  if (rows.length === 0) return [];
  const events = await store.query<EventRow & { at_us: string }>(
    `SELECT event_id, release_id, action, from_stage, to_stage, approver, reason, gate_decision_id, override,
       toString(toUnixTimestamp64Micro(at)) AS at_us
     FROM release_events
     WHERE project = {project:String} AND release_id IN {ids:Array(String)}
     ORDER BY at, event_id
     LIMIT 1 BY event_id`,
    { project, ids: rows.map((r) => r.id) },
  );
  const history = new Map<string, ReleaseEvent[]>();
  for (const e of events) {
    const list = history.get(e.release_id) ?? [];
    list.push({
      event_id: e.event_id,
      action: e.action,
      from_stage: e.from_stage === '' ? null : (e.from_stage as Stage),
      to_stage: e.to_stage,
      approver: e.approver,
      reason: e.reason,
      gate_decision_id: e.gate_decision_id === '' ? null : e.gate_decision_id,
      override: e.override,
      at: toIso(e.at_us),
    });
    history.set(e.release_id, list);
  }
  return rows.map((r) => {
    const h = history.get(r.id) ?? [];
    return {
      id: r.id,
      name: r.name,
      config: JSON.parse(r.config) as ReleaseConfig,
      created_at: toIso(r.created_us),
      created_by: r.created_by,
      stage: h.at(-1)?.to_stage ?? 'candidate',
      history: h,
    };
  });
}

export async function loadRelease(store: Store, project: string, id: string): Promise<Release | null> {
  return (await loadReleases(store, project, { id }))[0] ?? null;
}
