/**
 * Prompts kept on the collector (docs/prompts.md): `prompts.push` stores a
 * template as a version, `prompts.label` moves a label, and `getPrompt`
 * fetches a version by label (default `production`) or by version, caches
 * it, and keeps serving the last good copy while the collector is down.
 * What it returns renders like definePrompt's, stamping the registry's
 * name and version on the task.
 */
import type { PromptVersionJson } from '@evaltrace/semantic-conventions';
import { type Connection, collectorRequest, EvaltraceRequestError } from './collector-api.js';
import { settings } from './config.js';
import { definePrompt, type Prompt, type Template } from './prompt.js';
import { warn } from './warn.js';

/** The registry's answer; `created` only on a push. */
type VersionJson = PromptVersionJson & { created?: boolean };

export interface RegistryPrompt extends Prompt<Template> {
  /** Settings stored with the template (model, temperature, …); {} for a fallback. */
  readonly config: Record<string, unknown>;
  /** The version's labels when fetched. */
  readonly labels: readonly string[];
  /** Where this copy came from: the collector just now, the cache, or the fallback template. */
  readonly source: 'collector' | 'cache' | 'fallback';
}

export interface GetPromptOptions extends Connection {
  /** The label to fetch; default `production`. Ignored when `version` is given. */
  label?: string;
  /** A version name or template hash: immutable, so cached for good. */
  version?: string;
  /** How long a label's answer is reused before asking again; default 60. 0 asks every time. */
  cacheTtlSeconds?: number;
  /** Used (with a warning) when the collector cannot give the prompt and no copy was fetched before. */
  fallback?: Template;
}

export interface PushedPrompt {
  name: string;
  version: string;
  contentHash: string;
  labels: string[];
  /** False when this template was already stored under this version. */
  created: boolean;
}

const path = (name: string) => `/api/prompts/${encodeURIComponent(name)}`;

interface Cached {
  value: VersionJson;
  fetchedAt: number;
}

const cache = new Map<string, Cached>();
const inFlight = new Map<string, Promise<VersionJson>>();

function asPrompt(v: VersionJson, source: RegistryPrompt['source']): RegistryPrompt {
  const base = definePrompt({ name: v.prompt, version: v.version, template: v.template });
  return Object.freeze({ ...base, config: v.config, labels: Object.freeze([...v.labels]), source });
}

/** Whether a failure means the collector could not answer now (so a cached copy may stand in), rather than a refusal. */
const unavailable = (err: unknown) => err instanceof EvaltraceRequestError && (err.status === undefined || err.status >= 500);

function fetchOnce(key: string, url: string, conn: Connection): Promise<VersionJson> {
  const running = inFlight.get(key);
  if (running) return running;
  const request = collectorRequest<VersionJson | { version: VersionJson }>(url, {}, conn)
    .then((body) => ('content_hash' in body ? body : body.version))
    .finally(() => inFlight.delete(key));
  inFlight.set(key, request);
  return request;
}

/**
 * A registry prompt by label (default `production`) or version. Answers from
 * the cache while it is fresh; when the collector cannot answer, serves the
 * last good copy, else `fallback`, with a warning; otherwise throws
 * EvaltraceRequestError (404 names the labels the prompt has).
 */
export async function getPrompt(name: string, options: GetPromptOptions = {}): Promise<RegistryPrompt> {
  const conn: Connection = { endpoint: options.endpoint ?? settings().endpoint, apiKey: options.apiKey ?? settings().apiKey };
  const by = options.version !== undefined ? `version:${options.version}` : `label:${options.label ?? 'production'}`;
  const key = `${conn.endpoint}\u0000${conn.apiKey ?? ''}\u0000${name}\u0000${by}`;
  const ttlMs = options.version !== undefined ? Number.POSITIVE_INFINITY : (options.cacheTtlSeconds ?? 60) * 1000;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.fetchedAt < ttlMs) return asPrompt(hit.value, 'cache');
  const url =
    options.version !== undefined ? `${path(name)}/versions/${encodeURIComponent(options.version)}` : `${path(name)}/labels/${encodeURIComponent(options.label ?? 'production')}`;
  try {
    const value = await fetchOnce(key, url, conn);
    cache.set(key, { value, fetchedAt: Date.now() });
    return asPrompt(value, 'collector');
  } catch (err) {
    const what = `prompt ${name} (${by.replace(':', ' ')})`;
    if (hit && unavailable(err)) {
      warn(`${(err as Error).message}; serving the copy of ${what} fetched at ${new Date(hit.fetchedAt).toISOString()}`);
      return asPrompt(hit.value, 'cache');
    }
    if (options.fallback !== undefined) {
      warn(`${(err as Error).message}; using the fallback template for ${what}`);
      return Object.freeze({ ...definePrompt({ name, template: options.fallback }), config: {}, labels: Object.freeze([]), source: 'fallback' as const });
    }
    throw err;
  }
}

export const prompts = {
  /** Stores `template` as a version of prompt `name` (its hash unless `version` names it); pushing it again changes nothing. */
  async push(
    name: string,
    template: Template,
    options: { version?: string; config?: Record<string, unknown>; labels?: string[]; createdBy?: string; message?: string } = {},
    conn: Connection = {},
  ): Promise<PushedPrompt> {
    const { createdBy, ...rest } = options;
    const body = JSON.stringify({ template, ...rest, ...(createdBy === undefined ? {} : { created_by: createdBy }) });
    const v = await collectorRequest<VersionJson>(`${path(name)}/versions`, { method: 'POST', body, contentType: 'application/json' }, conn);
    return { name: v.prompt, version: v.version, contentHash: v.content_hash, labels: v.labels, created: v.created ?? false };
  },

  /** Points `label` at `version` (a name or template hash); the move is kept in the label's history. */
  async label(name: string, label: string, version: string, options: { movedBy?: string; reason?: string } = {}, conn: Connection = {}): Promise<{ from: string | null; to: string }> {
    const body = JSON.stringify({ version, ...(options.movedBy === undefined ? {} : { moved_by: options.movedBy }), ...(options.reason === undefined ? {} : { reason: options.reason }) });
    const moved = await collectorRequest<{ previous_version: string | null; version: VersionJson }>(
      `${path(name)}/labels/${encodeURIComponent(label)}`,
      { method: 'PUT', body, contentType: 'application/json' },
      conn,
    );
    return { from: moved.previous_version, to: moved.version.version };
  },
};
