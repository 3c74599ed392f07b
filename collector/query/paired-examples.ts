/**
 * Per-example rows of two sides and their paired comparison: the core that
 * compare/prompts (sides: prompt versions, per model) and compare/runs
 * (sides: runs) share.
 */
import {
  finiteOrNull,
  type PairedCostPer,
  pairedCostPer,
  type PairedMeans,
  pairedMeans,
  type PairedOutcome,
  type PairedPassRate,
  pairedPassRate,
} from '../stats/index.js';
import { DECODE, HAS_SCORE, NAMES_WITH, PASS_CODE, SCORE_ENTRY, SCORE_OF } from '../sql/traces.js';

export interface PairedComparison extends Omit<PairedMeans, 'n_pairs'> {
  n_traces_a: number;
  n_traces_b: number;
  n_examples_a: number;
  n_examples_b: number;
  /** Examples run under both versions. */
  n_pairs: number;
  unpaired: { a_only: number; b_only: number; no_example_id_a: number; no_example_id_b: number };
  /** Pairs with a score on both sides (the score fields of this object are over these). */
  n_scored_pairs: number;
  pass_rate: PairedPassRate | null;
  cost_per_task: (PairedMeans & { ratio: number | null }) | null;
  cost_per_success: PairedCostPer | null;
  cost_per_pass: PairedCostPer | null;
  input_tokens: PairedMeans;
  output_tokens: PairedMeans;
  latency_ms: PairedMeans;
}

/** One (model, dataset, dataset version, side, example) with its repeats averaged; the side is a prompt version or a run. */
export interface ExampleRow {
  model: string;
  dataset: string;
  dataset_version: string;
  version: string;
  example_id: string;
  /** One of the example's traces on this side, for showing it. */
  trace_id: string;
  n_traces: number;
  n_success: number;
  cost_usd: number;
  n_priced: number;
  input_tokens: number;
  output_tokens: number;
  latency_ms: number | null;
  /** Traces with a result of the chosen score (scored or not). */
  n_judged: number;
  n_scored: number;
  score: number | null;
  n_labeled: number;
  n_pass: number;
}

/** The fields of an ExampleRow in a fixed order: the query sends each as a tuple, not as an object naming every field. */
const EXAMPLE_FIELDS = [
  'model', 'dataset', 'dataset_version', 'version', 'example_id', 'trace_id', 'n_traces', 'n_success', 'cost_usd', 'n_priced',
  'input_tokens', 'output_tokens', 'latency_ms', 'n_judged', 'n_scored', 'score', 'n_labeled', 'n_pass',
] as const satisfies ReadonlyArray<keyof ExampleRow>;
export type ExampleTuple = ReadonlyArray<ExampleRow[keyof ExampleRow]>;

export function exampleRow(t: ExampleTuple): ExampleRow {
  const row: Record<string, unknown> = {};
  EXAMPLE_FIELDS.forEach((field, i) => {
    row[field] = t[i];
  });
  return row as unknown as ExampleRow;
}

/** Which traces make a side (and a model group) of a paired comparison, as SQL over the per-trace summary. */
export interface ExampleSide {
  version: string;
  model: string;
  groupBy: string;
}

export const BY_PROMPT_VERSION: ExampleSide = {
  version: DECODE('prompt_version_k'),
  model: DECODE('model_k'),
  groupBy: 'model_k, prompt_version_k',
};

/**
 * Per-example rows, grouped on value codes, one tuple each in a row per
 * model: at 10M spans some 16k examples, whose JSON objects took ~40 ms more
 * to write and read than their tuples. The score is the trace's latest entry
 * for the chosen judge key (0 when it has none); without a score the score
 * columns are null.
 */
export function exampleSql(tracesCte: string, scored: boolean, side: ExampleSide = BY_PROMPT_VERSION): string {
  const e = scored ? `${SCORE_ENTRY('scores', 'cityHash64({s_judge:String}, {s_version:String}, {s_evaluation:String})')}` : 'toUInt256(0)';
  const hasScore = `e != 0 AND ${HAS_SCORE('e')}`;
  const perExample = `WITH ${tracesCte}, ${NAMES_WITH}
    SELECT ${side.model} AS model, ${DECODE('dataset_k')} AS dataset, ${DECODE('dataset_version_k')} AS dataset_version,
      ${side.version} AS version, example_id, min(trace_id) AS trace_id,
      count() AS n_traces,
      countIf(success) AS n_success,
      toFloat64(sum(cost_usd)) AS cost_usd,
      countIf(llm_spans > unpriced_spans) AS n_priced,
      avg(input_tokens) AS input_tokens,
      avg(output_tokens) AS output_tokens,
      avg(latency_ms) AS latency_ms,
      countIf(e != 0) AS n_judged,
      countIf(${hasScore}) AS n_scored,
      if(n_scored > 0, avgIf(${SCORE_OF('e')}, ${hasScore}), NULL) AS score,
      countIf(${PASS_CODE('e')} > 0) AS n_labeled,
      countIf(${PASS_CODE('e')} = 2) AS n_pass
    FROM (SELECT trace_id, model_k, dataset_k, dataset_version_k, prompt_version_k, run_id, example_id, success, cost_usd, llm_spans,
        unpriced_spans, input_tokens, output_tokens, latency_ms, ${e} AS e FROM t)
    GROUP BY ${side.groupBy}, dataset_k, dataset_version_k, example_id`;
  return `SELECT groupArray(tuple(${EXAMPLE_FIELDS.join(', ')})) AS examples FROM (${perExample}) GROUP BY model`;
}

const pairKey = (r: ExampleRow) => `${r.dataset}\u0000${r.dataset_version}\u0000${r.example_id}`;

/**
 * The paired comparison of side `a` with the other side over per-example rows
 * (one model's, for prompts; one run's per side, for runs), with the pairs it
 * was computed over.
 */
export function pairedComparison(examples: readonly ExampleRow[], a: string): { comparison: PairedComparison; pairs: ReadonlyArray<readonly [ExampleRow, ExampleRow]> } {
  const sides = { a: new Map<string, ExampleRow>(), b: new Map<string, ExampleRow>() };
  const noExample = { a: 0, b: 0 };
  const traces = { a: 0, b: 0 };
  for (const r of examples) {
    const side = r.version === a ? 'a' : 'b';
    traces[side] += r.n_traces;
    if (r.example_id === '') noExample[side] += r.n_traces;
    else sides[side].set(pairKey(r), r);
  }
  // Code-unit order of (dataset, dataset version, example id): the bootstrap's resamples depend on it.
  const keys = [...sides.a.keys()].filter((k) => sides.b.has(k)).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const pairs = keys.map((k) => [sides.a.get(k)!, sides.b.get(k)!] as const);
  const scored = pairs.filter(([x, y]) => x.score !== null && y.score !== null);
  const labeled = pairs.filter(([x, y]) => x.n_labeled > 0 && y.n_labeled > 0);
  const priced = pairs.filter(([x, y]) => x.n_priced > 0 && y.n_priced > 0);
  const pricedLabeled = priced.filter(([x, y]) => x.n_labeled > 0 && y.n_labeled > 0);
  const timed = pairs.filter(([x, y]) => x.latency_ms !== null && y.latency_ms !== null);
  const values = (ps: typeof pairs, f: (r: ExampleRow) => number) => [ps.map(([x]) => f(x)), ps.map(([, y]) => f(y))] as const;

  const costPerTask = (r: ExampleRow) => r.cost_usd / r.n_traces;
  const successFraction = (r: ExampleRow) => r.n_success / r.n_traces;
  const passFraction = (r: ExampleRow) => r.n_pass / r.n_labeled;
  const { n_pairs: nScored, ...scoreStats } = pairedMeans(...values(scored, (r) => r.score!), 'higher');
  const costStats = pairedMeans(...values(priced, costPerTask), 'lower');
  const outcome = (ps: typeof pairs, f: (r: ExampleRow) => number, what: string): PairedOutcome => {
    const [a, b] = values(ps, f);
    return { what, a, b };
  };
  const costPer = (ps: typeof pairs, outcomes: PairedOutcome[]) =>
    ps.length === 0 ? outcomes.map(() => null) : pairedCostPer(...values(ps, costPerTask), outcomes);
  // Usually every priced pair is labeled: then both share one bootstrap (same pairs, same resamples).
  const [perSuccess, perPass] =
    pricedLabeled.length === priced.length
      ? costPer(priced, [outcome(priced, successFraction, 'success'), outcome(priced, passFraction, 'pass')])
      : [costPer(priced, [outcome(priced, successFraction, 'success')])[0], costPer(pricedLabeled, [outcome(pricedLabeled, passFraction, 'pass')])[0]];

  const comparison: PairedComparison = {
    n_traces_a: traces.a,
    n_traces_b: traces.b,
    n_examples_a: sides.a.size,
    n_examples_b: sides.b.size,
    n_pairs: pairs.length,
    unpaired: {
      a_only: sides.a.size - pairs.length,
      b_only: sides.b.size - pairs.length,
      no_example_id_a: noExample.a,
      no_example_id_b: noExample.b,
    },
    n_scored_pairs: nScored,
    ...scoreStats,
    pass_rate: labeled.length === 0 ? null : pairedPassRate(...values(labeled, passFraction)),
    cost_per_task:
      priced.length === 0
        ? null
        : { ...costStats, ratio: costStats.mean_a === null || costStats.mean_b === null ? null : finiteOrNull(costStats.mean_b / costStats.mean_a) },
    cost_per_success: perSuccess ?? null,
    cost_per_pass: perPass ?? null,
    input_tokens: pairedMeans(...values(pairs, (r) => r.input_tokens), 'lower'),
    output_tokens: pairedMeans(...values(pairs, (r) => r.output_tokens), 'lower'),
    latency_ms: pairedMeans(...values(timed, (r) => r.latency_ms!), 'lower'),
  };
  return { comparison, pairs };
}
