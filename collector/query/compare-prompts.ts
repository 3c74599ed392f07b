import type { QueryParams, Store } from '../store/types.js';
import { type JudgeFilter, type TraceFilter, tracesSql } from './filters.js';
import { type PairedCostPer, pairedCostPer, type PairedMeans, pairedMeans, type PairedOutcome, type PairedPassRate, pairedPassRate } from './paired.js';
import { pickScore, type ScoreChoice, scoreChoices } from './score-choice.js';
import { finiteOrNull } from './stats.js';
import { DECODE, HAS_SCORE, NAMES_WITH, PASS_CODE, SCORE_ENTRY, SCORE_OF } from './traces-sql.js';

export interface ComparePromptsParams extends Omit<TraceFilter, 'prompt' | 'prompt_version'>, JudgeFilter {
  prompt: string;
  a: string;
  b: string;
}

export interface PromptModelComparison extends Omit<PairedMeans, 'n_pairs'> {
  model: string;
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

export interface PromptComparison {
  prompt: string;
  a: string;
  b: string;
  score: ScoreChoice | null;
  pairing: string;
  models: PromptModelComparison[];
}

/** One (model, dataset, dataset version, prompt version, example) with its repeats averaged. */
interface ExampleRow {
  model: string;
  dataset: string;
  dataset_version: string;
  version: string;
  example_id: string;
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
  'model', 'dataset', 'dataset_version', 'version', 'example_id', 'n_traces', 'n_success', 'cost_usd', 'n_priced',
  'input_tokens', 'output_tokens', 'latency_ms', 'n_judged', 'n_scored', 'score', 'n_labeled', 'n_pass',
] as const satisfies ReadonlyArray<keyof ExampleRow>;
type ExampleTuple = ReadonlyArray<ExampleRow[keyof ExampleRow]>;

function exampleRow(t: ExampleTuple): ExampleRow {
  const row: Record<string, unknown> = {};
  EXAMPLE_FIELDS.forEach((field, i) => (row[field] = t[i]));
  return row as unknown as ExampleRow;
}

const PAIRING =
  'examples are paired by example id within (dataset, dataset version, model); repeats of an example are averaged first; ' +
  'examples run under one version only and traces without an example id are counted in unpaired, never mixed in';

/**
 * Paired comparison of prompt versions a and b, per model. ClickHouse reduces
 * the traces to one row per (model, dataset, dataset version, version,
 * example); pairing and statistics happen here.
 */
export async function comparePrompts(store: Store, project: string, q: ComparePromptsParams): Promise<PromptComparison> {
  const params: QueryParams = { project, versions: [q.a, q.b] };
  const tracesCte = `t AS (${tracesSql(q, params, '1', 'compacted', { prompt_version: 'versions' })})`;
  // The project's matching scores answer without a pass over the traces when
  // there are none; several are narrowed to the compared traces.
  const inProject = await scoreChoices(store, tracesCte, { ...params }, q, false);
  const choices = inProject.length > 1 ? await scoreChoices(store, tracesCte, { ...params }, q) : inProject;
  // A judge filter that matches no score is the caller's mistake only when there are traces to score.
  let score = choices.length === 0 && !(await anyTrace(store, tracesCte, params)) ? null : pickScore(choices, q);
  if (score) Object.assign(params, { s_judge: score.judge, s_version: score.judge_version, s_evaluation: score.evaluation });
  const rows = (await store.query<{ examples: ExampleTuple[] }>(exampleSql(tracesCte, score !== null), params)).flatMap((m) =>
    m.examples.map(exampleRow),
  );
  // The project's only matching score may never have judged these traces: then none matched after all.
  if (score && inProject.length === 1 && rows.every((r) => r.n_judged === 0)) score = rows.length > 0 ? pickScore([], q) : null;
  const byModel = new Map<string, ExampleRow[]>();
  for (const r of rows) {
    const group = byModel.get(r.model);
    if (group) group.push(r);
    else byModel.set(r.model, [r]);
  }
  return {
    prompt: q.prompt,
    a: q.a,
    b: q.b,
    score,
    pairing: PAIRING,
    models: [...byModel.entries()]
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
      .map(([model, examples]) => compareModel(model, examples, q.a)),
  };
}

async function anyTrace(store: Store, tracesCte: string, params: QueryParams): Promise<boolean> {
  const [row] = await store.query<{ n: number }>(`WITH ${tracesCte} SELECT count() AS n FROM t`, params);
  return (row?.n ?? 0) > 0;
}

/**
 * Per-example rows, grouped on value codes, one tuple each in a row per
 * model: at 10M spans some 16k examples, whose JSON objects took ~40 ms more
 * to write and read than their tuples. The score is the trace's latest entry
 * for the chosen judge key (0 when it has none); without a score the score
 * columns are null.
 */
function exampleSql(tracesCte: string, scored: boolean): string {
  const e = scored ? `${SCORE_ENTRY('scores', 'cityHash64({s_judge:String}, {s_version:String}, {s_evaluation:String})')}` : 'toUInt256(0)';
  const hasScore = `e != 0 AND ${HAS_SCORE('e')}`;
  const perExample = `WITH ${tracesCte}, ${NAMES_WITH}
    SELECT ${DECODE('model_k')} AS model, ${DECODE('dataset_k')} AS dataset, ${DECODE('dataset_version_k')} AS dataset_version,
      ${DECODE('prompt_version_k')} AS version, example_id,
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
    FROM (SELECT model_k, dataset_k, dataset_version_k, prompt_version_k, example_id, success, cost_usd, llm_spans,
        unpriced_spans, input_tokens, output_tokens, latency_ms, ${e} AS e FROM t)
    GROUP BY model_k, dataset_k, dataset_version_k, prompt_version_k, example_id`;
  return `SELECT groupArray(tuple(${EXAMPLE_FIELDS.join(', ')})) AS examples FROM (${perExample}) GROUP BY model`;
}

const pairKey = (r: ExampleRow) => `${r.dataset}\u0000${r.dataset_version}\u0000${r.example_id}`;

function compareModel(model: string, examples: ExampleRow[], a: string): PromptModelComparison {
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
  const { n_pairs: nScored, ...scoreStats } = pairedMeans(...values(scored, (r) => r.score!));
  const costStats = pairedMeans(...values(priced, costPerTask));
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

  return {
    model,
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
    input_tokens: pairedMeans(...values(pairs, (r) => r.input_tokens)),
    output_tokens: pairedMeans(...values(pairs, (r) => r.output_tokens)),
    latency_ms: pairedMeans(...values(timed, (r) => r.latency_ms!)),
  };
}
