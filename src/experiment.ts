import { randomUUID } from 'node:crypto';
import { forEachBounded } from './concurrency.js';
import { exampleIdText, rejectShape, versionsReader, warnOnce } from './input.js';
import { type TaskHandle, runTask } from './task.js';

/** One dataset row. `id` names it across runs (default: its position); `input` is recorded as the task input. */
export interface Example {
  id?: string | number;
  input?: unknown;
}

/**
 * JavaScript callers may also give the dataset's version as `datasetVersion`
 * beside it, and use the other shapes task() takes (Versions in context.ts);
 * malformed versions are warned about, not thrown on.
 */
export interface ExperimentOptions<E extends Example> {
  /** Also what `datasets.get()` returns: its content hash is then recorded as the dataset version. */
  dataset: { name: string; version: string; examples: readonly E[]; contentHash?: string };
  /** A definePrompt() prompt or any { name, version }; or the prompt's name, with `promptVersion`. */
  prompt?: string | { name: string; version: string };
  /** The version of a `prompt` given by name. */
  promptVersion?: string;
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

const caller = 'runExperiment()';
const readOptions = versionsReader(caller, ['dataset', 'prompt', 'runId'], ['repeats', 'concurrency']);

/**
 * Runs `fn` on every example `repeats` times, each run a task() carrying the
 * dataset, prompt, example id and its repeat's run id. A throwing example is
 * recorded and the others go on.
 */
export async function runExperiment<E extends Example, R>(
  options: ExperimentOptions<E>,
  fn: (example: E, t: TaskHandle) => R | Promise<R>,
): Promise<ExperimentSummary<R>> {
  // Without examples there is nothing to run: rejected like a bad repeat count, before any work.
  const examples: unknown = options?.dataset?.examples;
  if (!Array.isArray(examples)) {
    const expected = 'must be {name, version, examples: [...]}';
    rejectShape({ caller, field: '"dataset"', expected, got: options?.dataset, outcome: 'nothing runs' });
  }
  const { repeats = 1, concurrency = 4 } = options;
  if (!Number.isInteger(repeats) || repeats < 1) throw new RangeError(`repeats must be a positive integer, got ${repeats}`);
  const stored = options.dataset.contentHash;
  // A stored dataset's version is its content: runs of the same items pair, whatever label they were fetched by.
  const { dataset, prompt, runId: base = randomUUID() } = readOptions(
    typeof stored === 'string' && stored !== '' ? { ...options, dataset: { ...options.dataset, version: stored } } : options,
  );
  const runIds = Array.from({ length: repeats }, (_, r) => `${base}/${r + 1}`);
  const work = runIds.flatMap((runId, r) => options.dataset.examples.map((example, i) => ({ runId, repeat: r + 1, example, i })));
  const results: ExperimentResult<R>[] = new Array(work.length);

  await forEachBounded(work.entries(), concurrency, async ([slot, { runId, repeat, example, i }]) => {
    const exampleId = exampleIdOf(example, i);
    let handle: TaskHandle | undefined;
    try {
      const output = await runTask({ dataset, prompt, exampleId, runId }, example?.input, (t) => {
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

/** The row's id, else its position (also for an id that is no string or number: warned about). */
function exampleIdOf(example: Example | undefined, i: number): string {
  const id = exampleIdText(example?.id);
  if (id !== undefined) return id;
  if (example?.id != null) {
    const expected = 'must be a string or a number';
    warnOnce({ caller, field: '"dataset.examples[].id"', expected, got: example.id, outcome: "the example's position is its id" });
  }
  return String(i);
}

function identity(t: TaskHandle | undefined, exampleId: string, repeat: number, runId: string): ExperimentResult<never> {
  const ctx = t?.spanContext();
  return { exampleId, repeat, runId, traceId: ctx?.traceId ?? '', spanId: ctx?.spanId ?? '', success: t?.outcome };
}
