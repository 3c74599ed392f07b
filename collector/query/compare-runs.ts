import type { RunComparison, RunItemComparison } from '../contract/runs.js';
/**
 * Two runs compared item by item: the per-example pairing of compare/prompts
 * with whole runs as the sides, and the items that got worse listed first
 * with both outputs.
 */
import { DomainError, notFound } from '../errors.js';
import type { QueryParams, Store } from '../store/types.js';
import type { JudgeFilter } from '../sql/filters.js';
import { IN_RUNS, RUN_OF, tracesSql } from '../sql/filters.js';
import { pairedPassRate } from '../stats/index.js';
import { exampleRow, type ExampleRow, type ExampleSide, exampleSql, type ExampleTuple, pairedComparison } from './paired-examples.js';
import { listRuns, runCoverage } from './runs.js';
import { pickScore, scoreChoices } from './score-choice.js';
import { type TraceContent, traceContent } from './traces.js';

export interface CompareRunsParams extends JudgeFilter {
  a: string;
  b: string;
  /** How many items to list, worst first. */
  items?: number;
}

const PAIRING =
  'items are paired by example id (dataset and dataset version are the same for both runs); repeats of an item are averaged first; ' +
  'items run by one run only and traces without an example id are counted in unpaired, never mixed in';

const BY_RUN: ExampleSide = { version: RUN_OF('run_id'), model: "''", groupBy: RUN_OF('run_id') };

/**
 * Run b against run a (the baseline). Runs over different dataset contents
 * are refused: pairing their items would compare different questions.
 */
export async function compareRuns(store: Store, project: string, q: CompareRunsParams): Promise<RunComparison> {
  const found = await listRuns(store, project, { runs: [q.a, q.b], limit: 2 });
  const a = found.find((r) => r.run_id === q.a);
  const b = found.find((r) => r.run_id === q.b);
  if (!a) throw notFound(`run ${q.a} not found`);
  if (!b) throw notFound(`run ${q.b} not found`);
  if (a.dataset !== b.dataset || a.dataset_version !== b.dataset_version) {
    throw new DomainError('conflict',
      'dataset_mismatch',
      `run ${q.a} ran on dataset ${a.dataset}@${a.dataset_version} and run ${q.b} on ${b.dataset}@${b.dataset_version}: ` +
        'items of different dataset contents cannot be paired; compare runs of one dataset version',
    );
  }
  const params: QueryParams = { project, c_runs: [q.a, q.b] };
  const tracesCte = `t AS (${tracesSql({}, params, IN_RUNS('c_runs'))})`;
  const score = pickScore(await scoreChoices(store, tracesCte, { ...params }, q), q);
  if (score) Object.assign(params, { s_judge: score.judge, s_version: score.judge_version, s_evaluation: score.evaluation });
  const rows = (await store.query<{ examples: ExampleTuple[] }>(exampleSql(tracesCte, score !== null, BY_RUN), params)).flatMap((m) =>
    m.examples.map(exampleRow),
  );
  const { comparison, pairs } = pairedComparison(rows, q.a);
  const success = (r: ExampleRow) => r.n_success / r.n_traces;
  // Deltas within 1e-9 are ties (repeats averaged in another order differ in the last bits): id order.
  const rank = (d: number) => Math.round(d * 1e9);
  const ranked = pairs.map(([x, y]) => itemDelta(x, y, score !== null)).sort((p, r) => rank(p.delta) - rank(r.delta) || (p.id < r.id ? -1 : 1));
  const shown = ranked.slice(0, q.items ?? 50);
  const [content, coverageA, coverageB] = await Promise.all([
    traceContent(store, project, shown.flatMap((i) => [i.x.trace_id, i.y.trace_id])),
    runCoverage(store, project, a),
    runCoverage(store, project, b),
  ]);
  return {
    a,
    b,
    score,
    pairing: PAIRING,
    coverage: { a: coverageA, b: coverageB },
    ...comparison,
    success: pairs.length === 0 ? null : pairedPassRate(pairs.map(([x]) => success(x)), pairs.map(([, y]) => success(y))),
    n_items: ranked.length,
    items: shown.map((i) => ({ example_id: i.id, metric: i.metric, delta: i.delta, a: side(i.x, content), b: side(i.y, content) })),
  };
}

function itemDelta(x: ExampleRow, y: ExampleRow, scored: boolean) {
  const id = x.example_id;
  if (scored && x.score !== null && y.score !== null) return { id, x, y, metric: 'score' as const, delta: y.score - x.score };
  if (x.n_labeled > 0 && y.n_labeled > 0) return { id, x, y, metric: 'pass_rate' as const, delta: y.n_pass / y.n_labeled - x.n_pass / x.n_labeled };
  return { id, x, y, metric: 'success_rate' as const, delta: y.n_success / y.n_traces - x.n_success / x.n_traces };
}

function side(r: ExampleRow, content: TraceContent): RunItemComparison['a'] {
  const c = content.get(r.trace_id);
  return {
    trace_id: r.trace_id,
    n_traces: r.n_traces,
    success_rate: r.n_success / r.n_traces,
    score: r.score,
    pass_rate: r.n_labeled > 0 ? r.n_pass / r.n_labeled : null,
    cost_per_task: r.n_priced > 0 ? r.cost_usd / r.n_traces : null,
    latency_ms: r.latency_ms,
    input: c?.input ?? null,
    output: c?.output ?? null,
  };
}
