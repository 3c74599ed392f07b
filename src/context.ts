import { type Attributes, type Context, type Span, context, createContextKey } from '@opentelemetry/api';
import { ATTR } from './attributes.js';

/** The versions that identify what a span belongs to (design.md attribute contract). */
export interface Versions {
  dataset?: { name: string; version?: string };
  exampleId?: string | number;
  prompt?: { name: string; version: string };
  runId?: string;
  judge?: { name: string; version: string };
}

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
  private cached: { generation: number; versions: Versions; attributes: Attributes } | undefined;

  constructor(
    readonly parent: Scope | undefined,
    readonly own: Versions,
    /** The task's root span, inherited by nested withVersions scopes. */
    readonly taskSpan: Span | undefined,
  ) {}

  versions(): Versions {
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

  private resolved(): { versions: Versions; attributes: Attributes } {
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

/** A context whose scope adds `versions` (and, for a task, its root span) to the enclosing scope. */
export function contextWithVersions(ctx: Context, versions: Versions, taskSpan?: Span): Context {
  const parent = scopeOf(ctx);
  return ctx.setValue(SCOPE_KEY, new Scope(parent, copyVersions(versions), taskSpan ?? parent?.taskSpan));
}

/**
 * Runs `fn` with `versions` in the OTel context, without starting a span: every
 * span started inside (by the wrapper or by the app) carries them.
 */
export function withVersions<R>(versions: Versions, fn: () => R): R {
  return context.with(contextWithVersions(context.active(), versions), fn);
}

export function versionAttributes(v: Versions): Attributes {
  const a: Attributes = {};
  if (v.dataset) {
    a[ATTR.datasetName] = v.dataset.name;
    if (v.dataset.version !== undefined) a[ATTR.datasetVersion] = v.dataset.version;
  }
  if (v.exampleId !== undefined) a[ATTR.exampleId] = String(v.exampleId);
  if (v.prompt) {
    a[ATTR.promptName] = v.prompt.name;
    a[ATTR.promptVersion] = v.prompt.version;
  }
  if (v.runId !== undefined) a[ATTR.runId] = v.runId;
  if (v.judge) {
    a[ATTR.judgeName] = v.judge.name;
    a[ATTR.judgeVersion] = v.judge.version;
  }
  return a;
}

/** Copies only name/version of objects such as a Prompt, so a scope holds no template and no caller's object. */
function copyVersions(v: Versions): Versions {
  const out: Versions = {};
  if (v.dataset) out.dataset = { name: v.dataset.name, version: v.dataset.version };
  if (v.exampleId !== undefined) out.exampleId = v.exampleId;
  if (v.prompt) out.prompt = { name: v.prompt.name, version: v.prompt.version };
  if (v.runId !== undefined) out.runId = v.runId;
  if (v.judge) out.judge = { name: v.judge.name, version: v.judge.version };
  return out;
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
