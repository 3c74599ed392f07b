/**
 * Where a judge finds a trace's expected answer: a dataset given by the
 * caller (by example id), a function of the trace, or, by default, the
 * stored dataset version the trace ran on (runExperiment records a stored
 * dataset's content hash as the dataset version), fetched once per version.
 */
import { EvaltraceRequestError } from './collector-api.js';
import { datasets, type StoredDataset } from './datasets.js';
import type { StoredTrace } from './traces.js';

export type Expected = Pick<StoredDataset, 'examples'> | ((trace: StoredTrace) => unknown);

type Lookup = (trace: StoredTrace) => Promise<unknown>;

const byId = (examples: StoredDataset['examples']) => new Map(examples.map((e) => [e.id, e.expected]));

/** Expected answers from the stored versions traces name; a version the collector does not hold has none. */
function fromStoredDatasets(): Lookup {
  const versions = new Map<string, Promise<Map<string, unknown> | undefined>>();
  return async (trace) => {
    if (!trace.dataset || !trace.datasetVersion) return undefined;
    const key = `${trace.dataset}\u0000${trace.datasetVersion}`;
    let answers = versions.get(key);
    if (!answers) {
      answers = datasets.get(trace.dataset, trace.datasetVersion).then(
        (d) => byId(d.examples),
        (err: unknown) => {
          if (err instanceof EvaltraceRequestError && err.status === 404) return undefined;
          versions.delete(key);
          throw err;
        },
      );
      versions.set(key, answers);
    }
    return (await answers)?.get(trace.exampleId);
  };
}

export function expectedOf(expected: Expected | undefined): Lookup {
  if (expected === undefined) return fromStoredDatasets();
  if (typeof expected === 'function') return async (trace) => expected(trace);
  const answers = byId(expected.examples);
  return async (trace) => answers.get(trace.exampleId);
}
