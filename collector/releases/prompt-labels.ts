/**
 * Releases and the prompt registry: a release of a registered prompt must
 * name one of its versions, and promoting it (or restoring it by a rollback)
 * moves the prompt's label for that stage to the release's version, so
 * getPrompt(name, { label: 'production' }) serves what is in production.
 */
import { loadPrompt, moveLabel, type PromptVersion } from '../prompts/registry.js';
import type { Store } from '../store/types.js';
import { LifecycleError } from './lifecycle.js';
import type { Release, ReleaseConfig, Stage } from './schemas.js';

export interface PromptLabelMove {
  prompt: string;
  label: string;
  from: string | null;
  to: string;
  moved: boolean;
}

/**
 * The registry's version of the release's prompt; null when the prompt is not
 * in the registry. A registered prompt without that version is refused, or
 * skipped (null) where refusing would block a rollback.
 */
export async function registeredVersion(store: Store, project: string, config: ReleaseConfig, unknown: 'refuse' | 'skip' = 'refuse'): Promise<PromptVersion | null> {
  const entry = await loadPrompt(store, project, config.prompt);
  if (!entry) return null;
  const v = entry.versions.find((x) => x.version === config.prompt_version) ?? entry.versions.find((x) => x.content_hash === config.prompt_version);
  if (!v && unknown === 'skip') return null;
  if (!v) {
    throw new LifecycleError('unprocessable',
      'unknown_prompt_version',
      `prompt ${config.prompt} is in the registry but has no version ${config.prompt_version} (versions: ${entry.versions.map((x) => x.version).join(', ')}); ` +
        `push it first (POST /api/prompts/${config.prompt}/versions) or name a registered version`,
    );
  }
  return v;
}

/** The label a promotion to `to` moves: the one asked for, none when false, else the stage's own name for staging and production. */
export function labelFor(to: Stage, asked: string | false | undefined): string | null {
  if (asked === false) return null;
  if (asked !== undefined) return asked;
  return to === 'staging' || to === 'production' ? to : null;
}

export async function movePromptLabel(
  store: Store,
  project: string,
  release: Release,
  version: PromptVersion,
  label: string,
  by: { approver: string; reason: string },
): Promise<PromptLabelMove> {
  const moved = await moveLabel(store, project, release.config.prompt, { label, version: version.version, moved_by: by.approver, reason: by.reason, release_id: release.id });
  return { prompt: release.config.prompt, label, from: moved.previous_version, to: version.version, moved: moved.moved };
}
