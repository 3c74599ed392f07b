import { type Attributes, type Context, type Span, context, createContextKey } from '@opentelemetry/api';
import { ATTR } from '@evaltrace/semantic-conventions';
import { VERSION_FIELDS, versionsReader } from './input.js';

/**
 * The versions that identify what a span belongs to (design.md attribute
 * contract), as task() and withVersions() take them. `dataset`, `prompt` and
 * `judge` take `{ name, version }` (a definePrompt() prompt is one), or the
 * name alone with its version beside it: `{ prompt: 'answer', promptVersion: 'v2' }`.
 * JavaScript callers may also write `dataset_version`, `prompt_version`,
 * `judge_version`, `example_id` and `run_id`. Any other shape is not thrown
 * on: what can be kept is recorded, and each problem is warned about once
 * (`EvaltraceWarning`, see src/input.ts).
 */
export interface Versions {
  /** `{ name, version? }`, or the dataset's name with its version in `datasetVersion`. */
  dataset?: string | { name: string; version?: string };
  /** The version of a `dataset` given by name. */
  datasetVersion?: string;
  exampleId?: string | number;
  /** `{ name, version }`, or the prompt's name with its version in `promptVersion`. */
  prompt?: string | { name: string; version: string };
  /** The version of a `prompt` given by name; required with it. */
  promptVersion?: string;
  runId?: string;
  /** `{ name, version }`, or the judge's name with its version in `judgeVersion`. */
  judge?: string | { name: string; version: string };
  /** The version of a `judge` given by name; required with it. */
  judgeVersion?: string;
}

/** Versions as a scope holds and records them: what src/input.ts made of the app's {@link Versions}. */
export interface RecordedVersions {
  dataset?: { name: string; version?: string };
  exampleId?: string;
  /** Without a version only when the app gave none (and was warned). */
  prompt?: { name: string; version?: string };
  runId?: string;
  judge?: { name: string; version?: string };
}

const readVersions = versionsReader('withVersions()', VERSION_FIELDS, []);

/**
 * Bumped whenever a scope's own versions change after it was made (a prompt
 * stamped on a task), so every scope recomputes what it inherited.
 */
let generation = 0;

/**
 * One withVersions()/task() level. Scopes chain to their parent so a prompt
 * stamped on a task later (prompt.render) is seen by nested scopes too.
 */
export class Scope {
  /** The span attributes of versions(), made once per generation: every span started in the scope reads them. */
  private cached: { generation: number; versions: RecordedVersions; attributes: Attributes } | undefined;

  constructor(
    readonly parent: Scope | undefined,
    readonly own: RecordedVersions,
    /** The task's root span, inherited by nested withVersions scopes. */
    readonly taskSpan: Span | undefined,
  ) {}

  versions(): RecordedVersions {
    return this.resolved().versions;
  }

  attributes(): Attributes {
    return this.resolved().attributes;
  }

  /** The scope that opened this scope's task (the outermost one sharing its task span). */
  taskScope(): Scope {
    let s: Scope = this;
    while (s.parent && s.parent.taskSpan === s.taskSpan) s = s.parent;
    return s;
  }

  private resolved(): { versions: RecordedVersions; attributes: Attributes } {
    if (this.cached?.generation !== generation) {
      // Frozen: shared by every reader until the next generation.
      const versions = Object.freeze({ ...this.parent?.versions(), ...this.own });
      this.cached = { generation, versions, attributes: Object.freeze(versionAttributes(versions)) };
    }
    return this.cached;
  }
}

const SCOPE_KEY = createContextKey('evaltrace.scope');

export function scopeOf(ctx: Context = context.active()): Scope | undefined {
  return ctx.getValue(SCOPE_KEY) as Scope | undefined;
}

/**
 * A context whose scope adds `versions` (and, for a task, its root span) to
 * the enclosing scope. The versions come from src/input.ts, which copies only
 * names and versions out of the app's objects; the scope copies the top level
 * because stampPrompt() writes to it.
 */
export function contextWithVersions(ctx: Context, versions: RecordedVersions, taskSpan?: Span): Context {
  const parent = scopeOf(ctx);
  return ctx.setValue(SCOPE_KEY, new Scope(parent, { ...versions }, taskSpan ?? parent?.taskSpan));
}

/**
 * Runs `fn` with `versions` in the OTel context, without starting a span: every
 * span started inside (by the wrapper or by the app) carries them.
 */
export function withVersions<R>(versions: Versions, fn: () => R): R {
  return context.with(contextWithVersions(context.active(), readVersions(versions)), fn);
}

export function versionAttributes(v: RecordedVersions): Attributes {
  const a: Attributes = {};
  if (v.dataset) {
    a[ATTR.datasetName] = v.dataset.name;
    if (v.dataset.version !== undefined) a[ATTR.datasetVersion] = v.dataset.version;
  }
  if (v.exampleId !== undefined) a[ATTR.exampleId] = v.exampleId;
  if (v.prompt) {
    a[ATTR.promptName] = v.prompt.name;
    if (v.prompt.version !== undefined) a[ATTR.promptVersion] = v.prompt.version;
  }
  if (v.runId !== undefined) a[ATTR.runId] = v.runId;
  if (v.judge) {
    a[ATTR.judgeName] = v.judge.name;
    if (v.judge.version !== undefined) a[ATTR.judgeVersion] = v.judge.version;
  }
  return a;
}

/**
 * Stamps a rendered prompt on the enclosing task (its root span and the spans
 * started after), unless the task already names a prompt: explicit wins.
 */
export function stampPrompt(prompt: { name: string; version: string }): void {
  const scope = scopeOf();
  if (!scope?.taskSpan || scope.versions().prompt) return;
  const owner = scope.taskScope();
  owner.own.prompt = { name: prompt.name, version: prompt.version };
  generation++;
  owner.taskSpan?.setAttributes(versionAttributes({ prompt: owner.own.prompt }));
}
