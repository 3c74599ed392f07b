import { randomUUID } from 'node:crypto';
import { type Link, type Span, type SpanContext, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { ATTR } from '@evaltrace/semantic-conventions';
import { captureValue } from './content.js';
import { type RecordedVersions, type Versions, contextWithVersions, scopeOf } from './context.js';
import { VERSION_FIELDS, versionsReader } from './input.js';
import { tracer } from './tracer.js';
import { callError } from './wrap/span.js';

export interface TaskMeta extends Versions {
  /** The example's input, recorded as `evaltrace.task.input` (same as calling `t.input()`). */
  input?: unknown;
}

/** What `fn` gets inside task(): the root span and the task's outcome setters. */
export interface TaskHandle {
  readonly span: Span;
  readonly runId: string;
  /** The root span's context: the target for recordEvaluation. */
  spanContext(): SpanContext;
  /** Whether the task succeeded (`evaltrace.task.success`), the basis of cost per successful task. */
  success(ok: boolean): void;
  /** What success() was last given; undefined until then. */
  readonly outcome: boolean | undefined;
  /** What judges read instead of the first LLM call's input. */
  input(value: unknown): void;
  /** What judges read instead of the last LLM call's output. */
  output(value: unknown): void;
}

/** Tasks that name no run (and run in none) share this one, so one process run groups together. */
const processRunId = randomUUID();

const readMeta = versionsReader('task()', VERSION_FIELDS, ['input']);

/**
 * Runs one dataset example as the root span `task` of a new trace. Every span
 * started inside `fn`, including across awaits, timers and Promise.all,
 * carries the task's versions. A nested task starts its own trace, inherits
 * the versions it does not set, and links back to the enclosing span. A
 * malformed `meta` never throws: what can be kept is recorded, with a warning.
 */
export async function task<R>(meta: TaskMeta, fn: (t: TaskHandle) => R | Promise<R>): Promise<R> {
  const input = typeof meta === 'object' && meta !== null ? meta.input : undefined;
  return runTask(readMeta(meta), input, fn);
}

/** task() on versions already read (runExperiment reads its options once, not per example). */
export async function runTask<R>(recorded: RecordedVersions, input: unknown, fn: (t: TaskHandle) => R | Promise<R>): Promise<R> {
  const active = context.active();
  const runId = recorded.runId ?? scopeOf(active)?.versions().runId ?? processRunId;
  const versions: RecordedVersions = { ...recorded, runId };
  const enclosing = trace.getSpan(active)?.spanContext();
  const links: Link[] = enclosing && trace.isSpanContextValid(enclosing) ? [{ context: enclosing }] : [];
  const span = tracer().startSpan('task', { root: true, kind: SpanKind.INTERNAL, links }, contextWithVersions(active, versions));
  const runContext = trace.setSpan(contextWithVersions(active, versions, span), span);
  const t = new Handle(span, runId);
  if (input !== undefined) t.input(input);
  try {
    return await context.with(runContext, () => fn(t));
  } catch (err) {
    const e = callError(err);
    span.recordException(err instanceof Error ? err : String(err));
    span.setAttribute(ATTR.errorType, e.type);
    span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
    // A task that threw did not succeed, unless fn said otherwise first.
    if (t.outcome === undefined) t.success(false);
    throw err;
  } finally {
    span.end();
  }
}

class Handle implements TaskHandle {
  outcome: boolean | undefined;

  constructor(
    readonly span: Span,
    readonly runId: string,
  ) {}

  spanContext(): SpanContext {
    return this.span.spanContext();
  }

  success(ok: boolean): void {
    this.outcome = ok;
    this.span.setAttribute(ATTR.taskSuccess, ok);
  }

  input(value: unknown): void {
    const text = captureValue(value);
    if (text !== undefined) this.span.setAttribute(ATTR.taskInput, text);
  }

  output(value: unknown): void {
    const text = captureValue(value);
    if (text !== undefined) this.span.setAttribute(ATTR.taskOutput, text);
  }
}
