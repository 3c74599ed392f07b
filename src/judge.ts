import { context } from '@opentelemetry/api';
import { forEachBounded } from './concurrency.js';
import { type EvaluationResult, type Judge, startEvaluation } from './evaluation.js';
import { flushTelemetry } from './init.js';
import { judgeReader, rejectShape } from './input.js';
import { type Connection, type StoredTrace, type TraceFilter, listTraces } from './traces.js';

export interface JudgeTracesOptions extends Connection {
  /** Which stored task traces to judge. */
  filter?: TraceFilter;
  /** A {@link Judge}, or the judge's name with its version in `judgeVersion`. */
  judge: Judge | string;
  /** The version of a `judge` given by name. */
  judgeVersion?: string;
  /** The verdict on one trace; return undefined to skip it. Wrapped clients called here are recorded as judge calls. */
  evaluate: (trace: StoredTrace) => EvaluationResult | undefined | Promise<EvaluationResult | undefined>;
  /** Traces judged at once. Default 4. */
  concurrency?: number;
}

export interface JudgeSummary {
  judged: number;
  skipped: number;
  failed: number;
  errors: Array<{ traceId: string; error: unknown }>;
}

// Keys are not checked: here every report rejects, and a stray key loses nothing.
const readJudge = judgeReader('judgeTraces()');

/**
 * Judges fixed, stored traces: lists them from the collector, runs `evaluate`
 * on each with bounded concurrency, and records every verdict as an
 * evaluation of the trace's root span. Re-run it with a new judge version to
 * compare judges on the very same traces. A malformed judge (one without a
 * name and version, say) rejects before anything is judged, unlike
 * recordEvaluation: a batch would write evaluations no judge comparison can
 * use. Listing errors reject; a failing `evaluate` is counted and recorded on
 * its evaluation span, and the rest go on.
 */
export async function judgeTraces(options: JudgeTracesOptions): Promise<JudgeSummary> {
  const { filter, evaluate, concurrency = 4, endpoint, apiKey } = options;
  const judge = readJudge(options, rejectShape);
  const summary: JudgeSummary = { judged: 0, skipped: 0, failed: 0, errors: [] };
  // Tasks the app just ran must reach the collector before they can be listed.
  await flushTelemetry();
  await forEachBounded(listTraces(filter, { endpoint, apiKey }), concurrency, async (trace) => {
    const pending = startEvaluation({ traceId: trace.traceId, spanId: trace.spanId }, judge);
    try {
      const result = await context.with(pending.context, () => evaluate(trace));
      if (result === undefined || result === null) {
        summary.skipped += 1;
        pending.span.end();
        return;
      }
      pending.finish(result);
      summary.judged += 1;
    } catch (error) {
      pending.fail(error);
      summary.failed += 1;
      summary.errors.push({ traceId: trace.traceId, error });
    }
  });
  await flushTelemetry();
  return summary;
}
