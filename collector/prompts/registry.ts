/**
 * The prompt registry: versions are immutable (a template's hash, or a name
 * given once to one template), and labels move between them with every move
 * appended to the label's history. `latest` is not stored: it is always the
 * newest version.
 */
import { randomUUID } from 'node:crypto';
import { type PromptVersionJson, type TemplateMessage, templateVersion } from '@evaltrace/semantic-conventions';
import { DomainError, notFound } from '../errors.js';
import { nowMicros, toClickHouseTime, toIso } from '../clock.js';
import { serializer } from '../serial.js';
import type { Store } from '../store/types.js';

/** The label every prompt has without storing it: its newest version. */
export const LATEST = 'latest';

export type PromptVersion = PromptVersionJson;

export interface LabelEvent {
  event_id: string;
  label: string;
  /** null: the label was removed. */
  version: string | null;
  previous_version: string | null;
  moved_by: string;
  reason: string;
  release_id: string | null;
  at: string;
}

export interface PromptEntry {
  prompt: string;
  /** Newest first. */
  versions: PromptVersion[];
  /** Each label's current version (without removed labels), with `latest`. */
  labels: Record<string, string>;
}

export interface NewVersion {
  template: string | TemplateMessage[];
  version?: string;
  config?: Record<string, unknown>;
  labels?: string[];
  created_by?: string;
  message?: string;
}

interface VersionRow {
  prompt: string;
  version: string;
  content_hash: string;
  template: string;
  config: string;
  created_us: string;
  created_by: string;
  message: string;
}

interface EventRow {
  event_id: string;
  label: string;
  version: string;
  previous_version: string;
  moved_by: string;
  reason: string;
  release_id: string;
  at_us: string;
}

const serialized = serializer();
const lockKey = (project: string, prompt: string) => `${project}\u0000${prompt}`;

const VERSIONS = `
SELECT prompt, version, content_hash, template, config, toString(toUnixTimestamp64Micro(created_at)) AS created_us, created_by, message
FROM prompt_versions WHERE project = {project:String}`;

async function loadVersionRows(store: Store, project: string, prompt?: string): Promise<VersionRow[]> {
  return store.query<VersionRow>(
    `${VERSIONS} ${prompt === undefined ? '' : 'AND prompt = {prompt:String}'}
     ORDER BY created_at DESC, version LIMIT 1 BY prompt, version`,
    { project, ...(prompt === undefined ? {} : { prompt }) },
  );
}

async function loadEvents(store: Store, project: string, prompt: string): Promise<EventRow[]> {
  return store.query<EventRow>(
    `SELECT event_id, label, version, previous_version, moved_by, reason, release_id, toString(toUnixTimestamp64Micro(at)) AS at_us
     FROM prompt_label_events WHERE project = {project:String} AND prompt = {prompt:String}
     ORDER BY at, event_id LIMIT 1 BY event_id`,
    { project, prompt },
  );
}

const eventOf = (e: EventRow): LabelEvent => ({
  event_id: e.event_id,
  label: e.label,
  version: e.version === '' ? null : e.version,
  previous_version: e.previous_version === '' ? null : e.previous_version,
  moved_by: e.moved_by,
  reason: e.reason,
  release_id: e.release_id === '' ? null : e.release_id,
  at: toIso(e.at_us),
});

/** Each label's version after its latest event (events oldest first); removed labels are left out. */
function currentLabels(events: readonly EventRow[], newest: string | undefined): Record<string, string> {
  const now: Record<string, string> = {};
  for (const e of events) {
    if (e.version === '') delete now[e.label];
    else now[e.label] = e.version;
  }
  return newest === undefined ? now : { ...now, [LATEST]: newest };
}

function versionOf(r: VersionRow, labels: Record<string, string>): PromptVersion {
  const template = JSON.parse(r.template) as PromptVersion['template'];
  return {
    prompt: r.prompt,
    version: r.version,
    content_hash: r.content_hash,
    type: typeof template === 'string' ? 'text' : 'chat',
    template,
    config: JSON.parse(r.config) as Record<string, unknown>,
    created_at: toIso(r.created_us),
    created_by: r.created_by,
    message: r.message,
    labels: Object.entries(labels)
      .filter(([, v]) => v === r.version)
      .map(([l]) => l)
      .sort(),
  };
}

/** Registered prompts, by name: how many versions, the newest, and the labels. */
export async function listPrompts(store: Store, project: string): Promise<Array<{ prompt: string; versions: number; latest: PromptVersion; labels: Record<string, string> }>> {
  const rows = await loadVersionRows(store, project);
  const names = [...new Set(rows.map((r) => r.prompt))].sort();
  return Promise.all(
    names.map(async (name) => {
      const entry = await loadPrompt(store, project, name);
      return { prompt: name, versions: entry!.versions.length, latest: entry!.versions[0]!, labels: entry!.labels };
    }),
  );
}

/** A prompt's versions (newest first) and labels; undefined when it has none. */
export async function loadPrompt(store: Store, project: string, prompt: string): Promise<PromptEntry | undefined> {
  const [rows, events] = await Promise.all([loadVersionRows(store, project, prompt), loadEvents(store, project, prompt)]);
  if (rows.length === 0) return undefined;
  const labels = currentLabels(events, rows[0]!.version);
  return { prompt, versions: rows.map((r) => versionOf(r, labels)), labels };
}

/** A version by its name or its content hash (a hash also finds a named version of that template). */
export async function findPromptVersion(store: Store, project: string, prompt: string, version: string): Promise<PromptVersion | undefined> {
  const entry = await loadPrompt(store, project, prompt);
  return entry?.versions.find((v) => v.version === version) ?? entry?.versions.find((v) => v.content_hash === version);
}

/** The version a label points at now, with the label's whole history (oldest first). */
export async function resolveLabel(store: Store, project: string, prompt: string, label: string): Promise<{ version: PromptVersion; history: LabelEvent[] }> {
  const entry = await loadPrompt(store, project, prompt);
  if (!entry) throw notFound(`prompt ${prompt} is not in the registry`);
  const id = entry.labels[label];
  const history = (await loadEvents(store, project, prompt)).filter((e) => e.label === label).map(eventOf);
  if (id === undefined) {
    const why = history.length > 0 ? 'it was removed' : 'no version has it';
    throw notFound(`prompt ${prompt} has no label ${label} (${why}); labels now: ${Object.keys(entry.labels).sort().join(', ')}`);
  }
  return { version: entry.versions.find((v) => v.version === id)!, history };
}

export async function labelHistory(store: Store, project: string, prompt: string): Promise<LabelEvent[]> {
  return (await loadEvents(store, project, prompt)).map(eventOf);
}

interface Move {
  label: string;
  /** A version name or content hash; null removes the label. */
  version: string | null;
  moved_by: string;
  reason: string;
  release_id?: string;
}

function checkLabel(label: string): void {
  if (label === LATEST) throw new DomainError('invalid', 'invalid_label', `label ${LATEST} always names the newest version and cannot be moved`);
}

/** Appends label moves after resolving each target; a move to the version a label already has is not written. */
async function appendMoves(store: Store, project: string, prompt: string, moves: readonly Move[]): Promise<Array<{ event: LabelEvent | null; version: PromptVersion | null }>> {
  const entry = await loadPrompt(store, project, prompt);
  if (!entry) throw notFound(`prompt ${prompt} is not in the registry`);
  const labels = { ...entry.labels };
  const rows: EventRow[] = [];
  const out: Array<{ event: LabelEvent | null; version: PromptVersion | null }> = [];
  for (const m of moves) {
    checkLabel(m.label);
    const target = m.version === null ? null : (entry.versions.find((v) => v.version === m.version) ?? entry.versions.find((v) => v.content_hash === m.version) ?? null);
    if (m.version !== null && target === null) {
      throw new DomainError('unprocessable', 'unknown_version', `prompt ${prompt} has no version ${m.version}; versions: ${entry.versions.map((v) => v.version).join(', ')}`);
    }
    const previous = labels[m.label] ?? '';
    const to = target?.version ?? '';
    if (previous === to) {
      out.push({ event: null, version: target });
      continue;
    }
    if (to === '') delete labels[m.label];
    else labels[m.label] = to;
    const row: EventRow = {
      event_id: randomUUID(),
      label: m.label,
      version: to,
      previous_version: previous,
      moved_by: m.moved_by,
      reason: m.reason,
      release_id: m.release_id ?? '',
      at_us: nowMicros().toString(),
    };
    rows.push(row);
    out.push({ event: eventOf(row), version: target });
  }
  if (rows.length > 0) {
    await store.insert(
      'prompt_label_events',
      rows.map(({ at_us, ...r }) => ({ project, prompt, ...r, at: toClickHouseTime(BigInt(at_us)) })),
    );
  }
  return out;
}

/** Stores a version; the same template under the same version is a no-op, another template under a used version a 409. */
export async function createPromptVersion(store: Store, project: string, prompt: string, v: NewVersion): Promise<{ version: PromptVersion; created: boolean }> {
  const contentHash = templateVersion(v.template);
  const id = v.version ?? contentHash;
  const config = JSON.stringify(v.config ?? {});
  for (const l of v.labels ?? []) checkLabel(l);
  return serialized(lockKey(project, prompt), async () => {
    const existing = (await loadVersionRows(store, project, prompt)).find((r) => r.version === id);
    if (existing && (existing.content_hash !== contentHash || existing.config !== config)) {
      const what = existing.content_hash !== contentHash ? `template ${existing.content_hash}; this one's is ${contentHash}` : 'another config';
      throw new DomainError('conflict', 'version_exists', `prompt ${prompt} already has version ${id} with ${what}. Versions are immutable: name a new version, or none (the template's hash is then the version)`);
    }
    if (!existing) {
      await store.insert('prompt_versions', [
        {
          project,
          prompt,
          version: id,
          content_hash: contentHash,
          template: JSON.stringify(v.template),
          config,
          created_at: toClickHouseTime(nowMicros()),
          created_by: v.created_by ?? '',
          message: v.message ?? '',
        },
      ]);
    }
    const labels = v.labels ?? [];
    if (labels.length > 0) {
      await appendMoves(store, project, prompt, labels.map((label) => ({ label, version: id, moved_by: v.created_by ?? '', reason: v.message ?? `set when version ${id} was stored` })));
    }
    return { version: (await findPromptVersion(store, project, prompt, id)) as PromptVersion, created: !existing };
  });
}

/** Points a label at a version (null removes it); answers the label's state and whole history. */
export async function moveLabel(
  store: Store,
  project: string,
  prompt: string,
  move: Move,
): Promise<{ label: string; version: PromptVersion | null; previous_version: string | null; moved: boolean; history: LabelEvent[] }> {
  return serialized(lockKey(project, prompt), async () => {
    const entry = await loadPrompt(store, project, prompt);
    if (!entry) throw notFound(`prompt ${prompt} is not in the registry`);
    const before = entry.labels[move.label] ?? null;
    if (move.version === null && before === null) throw notFound(`prompt ${prompt} has no label ${move.label} to remove`);
    const [result] = await appendMoves(store, project, prompt, [move]);
    const history = (await labelHistory(store, project, prompt)).filter((e) => e.label === move.label);
    const version = result!.version && ((await findPromptVersion(store, project, prompt, result!.version.version)) ?? null);
    return { label: move.label, version, previous_version: before, moved: result!.event !== null, history };
  });
}
