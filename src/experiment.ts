import { randomUUID } from 'node:crypto';
import { forEachBounded } from './concurrency.js';
import { type TaskHandle, task } from './task.js';

/** One dataset row. `id` names it across runs (default: its position); `input` is recorded as the task input. */
export interface Example {
  id?: string | number;
  input?: unknown;
}

export interface ExperimentOptions<E extends Example> {
  dataset: { name: string; version: string; examples: readonly E[] };
  /** A definePrompt() prompt or any { name, version }. */
  prompt?: { name: string; version: string };
  /** Runs of every example. Default 1. */
  repeats?: number;
  /** Tasks in flight at once. Default 4. */
  concurrency?: number;
  /**
   * Repeat r runs as `${runId}/${r}` (r from 1). Default: a random id. Give two
   * experiments the same runId to pair their repeats example by example.
   */
  runId?: string;
}

export interface ExperimentResult<R> {
  exampleId: string;
  /** 1-based. */
  repeat: number;
  runId: string;
  traceId: string;
  spanId: string;
  /** What the task reported through t.success(). */
  success: boolean | undefined;
  output?: R;
  /** Set when fn threw. */
  error?: unknown;
}

export interface ExperimentSummary<R> {
  runIds: string[];
  total: number;
  succeeded: number;
  failed: number;
  errored: number;
  /** Ordered by repeat, then by example. */
  results: ExperimentResult<R>[];
}

/**
 * Runs `fn` on every example `repeats` times, each run a task() carrying the
 * dataset, prompt, example id and its repeat's run id. A throwing example is
 * recorded and the others go on.
 */
export async function runExperiment<E extends Example, R>(
  options: ExperimentOptions<E>,
  fn: (example: E, t: TaskHandle) => R | Promise<R>,
): Promise<ExperimentSummary<R>> {
  const { dataset, prompt, repeats = 1, concurrency = 4 } = options;
  if (!Number.isInteger(repeats) || repeats < 1) throw new RangeError(`repeats must be a positive integer, got ${repeats}`);
  const base = options.runId ?? randomUUID();
  const runIds = Array.from({ length: repeats }, (_, r) => `${base}/${r + 1}`);
  const work = runIds.flatMap((runId, r) => dataset.examples.map((example, i) => ({ runId, repeat: r + 1, example, i })));
  const results: ExperimentResult<R>[] = new Array(work.length);

  await forEachBounded(work.entries(), concurrency, async ([slot, { runId, repeat, example, i }]) => {
    const exampleId = String(example.id ?? i);
    let handle: TaskHandle | undefined;
    const meta = { dataset: { name: dataset.name, version: dataset.version }, prompt, exampleId, runId, input: example.input };
    try {
      const output = await task(meta, (t) => {
        handle = t;
        return fn(example, t);
      });
      results[slot] = { ...identity(handle, exampleId, repeat, runId), output };
    } catch (error) {
      results[slot] = { ...identity(handle, exampleId, repeat, runId), error };
    }
  });

  return {
    runIds,
    total: results.length,
    succeeded: results.filter((r) => r.success === true).length,
    failed: results.filter((r) => r.success === false).length,
    errored: results.filter((r) => 'error' in r).length,
    results,
  };
}

function identity(t: TaskHandle | undefined, exampleId: string, repeat: number, runId: string): ExperimentResult<never> {
  const ctx = t?.spanContext();
  return { exampleId, repeat, runId, traceId: ctx?.traceId ?? '', spanId: ctx?.spanId ?? '', success: t?.outcome };
}
