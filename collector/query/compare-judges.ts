import type { QueryParams, Store } from '../store/types.js';
import { type TraceFilter, traceWhere } from './filters.js';
import { type JudgeConclusion, type JudgedTrace, judgeConclusions, type JudgeTripleEffect, judgeTripleEffects } from './judge-effects.js';
import { pickEvaluation, sharedEvaluations } from './score-choice.js';
import { cohenKappa, type Interval, mean, pairedTTest, type PassFailTable, passFailTable, pearson } from './stats.js';
import { LATEST_EVALUATIONS_SQL, LATEST_SCORES_SQL, TRACE_SUMMARY_SQL } from './traces-sql.js';

export interface CompareJudgesParams extends TraceFilter {
  judge: string;
  a: string;
  b: string;
  evaluation?: string;
  limit: number;
  cursor?: string;
}

export interface Disagreement {
  trace_id: string;
  example_id: string;
  dataset: string;
  dataset_version: string;
  model: string;
  prompt: string;
  prompt_version: string;
  label_a: string;
  label_b: string;
  passed_a: boolean;
  passed_b: boolean;
  score_a: number | null;
  score_b: number | null;
  explanation_a: string;
  explanation_b: string;
}

export interface JudgeComparison {
  judge: string;
  a: string;
  b: string;
  evaluation: string | null;
  /** Traces scored by both versions. */
  n: number;
  /** Traces with a pass/fail label from both versions (agreement and kappa are over these). */
  n_labeled: number;
  agreement: number | null;
  cohen_kappa: number | null;
  expected_agreement: number | null;
  kappa_reason: string | null;
  /** Traces with a numeric score from both versions (pearson and the deltas are over these). */
  n_scored: number;
  mean_a: number | null;
  mean_b: number | null;
  pearson: number | null;
  pearson_reason: string | null;
  mean_delta: number | null;
  ci95: Interval | null;
  p_value: number | null;
  confusion: PassFailTable;
  n_disagreements: number;
  disagreements: Disagreement[];
  next_cursor: string | null;
  by_triple: JudgeTripleEffect[];
  conclusions: JudgeConclusion[];
}

/**
 * Judge versions a and b on the same stored task traces: the latest score of
 * each version per trace (LATEST_SCORES_SQL), joined on the trace; labels and
 * explanations are read only for the page of disagreements shown.
 * Disagreements are traces whose pass/fail labels differ, in trace-id order.
 */
export async function compareJudges(store: Store, project: string, q: CompareJudgesParams, allDisagreements = false): Promise<JudgeComparison> {
  const params: QueryParams = { project, judge: q.judge, v_a: q.a, v_b: q.b };
  const tracesCte = `t AS (SELECT * FROM (${TRACE_SUMMARY_SQL}) WHERE ${traceWhere(q, params)})`;
  const evaluation = pickEvaluation(await sharedEvaluations(store, tracesCte, params, q.judge, [q.a, q.b]), q.evaluation);
  const rows = evaluation === null ? [] : await store.query<JudgedTrace>(judgedSql(tracesCte), { ...params, evaluation });

  const labeled = rows.filter((r) => r.passed_a !== null && r.passed_b !== null);
  const scored = rows.filter((r) => r.score_a !== null && r.score_b !== null);
  const confusion = passFailTable(labeled.map((r) => [r.passed_a!, r.passed_b!] as const));
  const kappa = cohenKappa(confusion);
  const scoresA = scored.map((r) => r.score_a!);
  const scoresB = scored.map((r) => r.score_b!);
  const r = pearson(scoresA, scoresB);
  const paired = pairedTTest(scoresA, scoresB);

  const disagreeing = labeled.filter((x) => x.passed_a !== x.passed_b);
  const after = q.cursor === undefined || allDisagreements ? disagreeing : disagreeing.filter((x) => x.trace_id > q.cursor!);
  const page = allDisagreements ? after : after.slice(0, q.limit);
  const byTriple = judgeTripleEffects(rows);
  const details = page.length && evaluation !== null ? await detailsOf(store, { ...params, evaluation }, page) : new Map<string, Detail>();

  return {
    judge: q.judge,
    a: q.a,
    b: q.b,
    evaluation,
    n: rows.length,
    n_labeled: labeled.length,
    agreement: kappa.observed_agreement,
    cohen_kappa: kappa.kappa,
    expected_agreement: kappa.expected_agreement,
    kappa_reason: kappa.reason ?? null,
    n_scored: scored.length,
    mean_a: mean(scoresA),
    mean_b: mean(scoresB),
    pearson: r,
    pearson_reason: r !== null ? null : pearsonReason(scoresA),
    mean_delta: paired.mean_delta,
    ci95: paired.ci95,
    p_value: paired.p_value,
    confusion,
    n_disagreements: disagreeing.length,
    disagreements: page.map((x) => ({
      trace_id: x.trace_id,
      example_id: x.example_id,
      dataset: x.dataset,
      dataset_version: x.dataset_version,
      model: x.model,
      prompt: x.prompt,
      prompt_version: x.prompt_version,
      label_a: details.get(`${x.trace_id}|${q.a}`)?.label ?? '',
      label_b: details.get(`${x.trace_id}|${q.b}`)?.label ?? '',
      passed_a: x.passed_a!,
      passed_b: x.passed_b!,
      score_a: x.score_a,
      score_b: x.score_b,
      explanation_a: details.get(`${x.trace_id}|${q.a}`)?.explanation ?? '',
      explanation_b: details.get(`${x.trace_id}|${q.b}`)?.explanation ?? '',
    })),
    next_cursor: !allDisagreements && after.length > page.length ? (page.at(-1)?.trace_id ?? null) : null,
    by_triple: byTriple,
    conclusions: judgeConclusions(byTriple),
  };
}

function pearsonReason(a: number[]): string {
  if (a.length < 2) return 'fewer than 2 traces scored by both versions';
  return 'one version gave every trace the same score, so the correlation is undefined';
}

const judgedSql = (tracesCte: string) => `
  WITH ${tracesCte},
    e AS (SELECT trace_id, judge_version, score, passed FROM (${LATEST_SCORES_SQL})
      WHERE judge_name = {judge:String} AND name = {evaluation:String} AND judge_version IN ({v_a:String}, {v_b:String}))
  SELECT toString(t.trace_id) AS trace_id, t.example_id AS example_id, t.dataset AS dataset,
    t.dataset_version AS dataset_version, t.model AS model, t.prompt AS prompt, t.prompt_version AS prompt_version,
    ea.score AS score_a, ea.passed AS passed_a,
    eb.score AS score_b, eb.passed AS passed_b
  FROM t
  INNER JOIN (SELECT * FROM e WHERE judge_version = {v_a:String}) AS ea ON ea.trace_id = t.trace_id
  INNER JOIN (SELECT * FROM e WHERE judge_version = {v_b:String}) AS eb ON eb.trace_id = t.trace_id
  ORDER BY trace_id`;

type Detail = { label: string; explanation: string };

/** Labels and explanations only for the disagreements shown: explanations can be long, so not read for every trace. */
async function detailsOf(store: Store, params: QueryParams, page: JudgedTrace[]): Promise<Map<string, Detail>> {
  const rows = await store.query<{ trace_id: string; judge_version: string } & Detail>(
    `SELECT trace_id, judge_version, label, explanation FROM (${LATEST_EVALUATIONS_SQL})
     WHERE judge_name = {judge:String} AND name = {evaluation:String} AND judge_version IN ({v_a:String}, {v_b:String})
       AND trace_id IN {page_ids:Array(String)}`,
    { ...params, page_ids: page.map((x) => x.trace_id) },
  );
  return new Map(rows.map((x) => [`${x.trace_id}|${x.judge_version}`, { label: x.label, explanation: x.explanation }]));
}
