import type { Alignment, Disagreement, JudgeComparison } from '../contract/responses.js';
import { invalid } from '../errors.js';
import type { QueryParams, Store } from '../store/types.js';
import { type TraceFilter, tracesSql } from '../sql/filters.js';
import { type JudgedTriple, judgeConclusions, judgeTripleEffects } from './judge-effects.js';
import { pickEvaluation, sharedEvaluations } from './score-choice.js';
import { cohenKappa, finiteOrNull, pairedTTestFromSummary, type PassFailTable } from '../stats/index.js';
import { DECODE, HAS_SCORE, LATEST_EVALUATIONS_SQL, NAMES_WITH, PASS_CODE, SCORE_ENTRY, SCORE_OF, traceSummarySql } from '../sql/traces.js';

export interface CompareJudgesParams extends TraceFilter {
  judge: string;
  a: string;
  b: string;
  evaluation?: string;
  /** Side a's judge when it is another one (e.g. `human`, with a = the annotator): the reference b is aligned with. Default: `judge`. */
  reference?: string;
  /** Side a's evaluation name when it differs from side b's (a human label's default is "quality"). */
  reference_evaluation?: string;
  limit: number;
  cursor?: string;
}

/** The comparison as SQL returns it: per-triple counts, and totals merged from the triples' aggregate states. */
interface ComparisonRow {
  /** [dataset, dataset version, model, prompt, prompt version, n, n_labeled, pass_a, pass_b, n_scored, mean_a, mean_b] */
  triples: [string, string, string, string, string, number, number, number, number, number, number | null, number | null][];
  /** Labeled by both: [a fail & b fail, a fail & b pass, a pass & b fail, a pass & b pass]. */
  cells: [number, number, number, number];
  n: number;
  n_scored: number;
  mean_a: number | null;
  mean_b: number | null;
  pearson: number | null;
  mean_delta: number | null;
  var_delta: number | null;
  wins: number;
  losses: number;
  ties: number;
  /** Disagreeing trace ids after the cursor, in order (one more than the page when there are more). */
  page: string[];
}

/**
 * Judge versions a and b on the same stored task traces: the latest result of
 * each version per trace, read from the rollup's scores and reduced in one
 * pass, per triple and in total (Pearson r by corrStable, the paired t test
 * from the mean and variance of b − a). Only the page of disagreements shown
 * is read trace by trace, with labels and explanations. Disagreements are
 * traces whose pass/fail labels differ, in trace-id order.
 */
export async function compareJudges(store: Store, project: string, q: CompareJudgesParams, allDisagreements = false): Promise<JudgeComparison> {
  const reference = q.reference ?? q.judge;
  const params: QueryParams = { project, judge: q.judge, judge_a: reference, v_a: q.a, v_b: q.b, cursor: allDisagreements ? '' : (q.cursor ?? '') };
  const tracesCte = `t AS (${tracesSql(q, params)})`;
  if (reference !== q.judge && q.evaluation === undefined) {
    throw invalid(`name the evaluation of judge ${q.judge} to align with ${reference} (evaluation=, and reference_evaluation= when ${reference}'s differs)`, 'invalid_request');
  }
  const evaluation = q.evaluation ?? pickEvaluation(await sharedEvaluations(store, tracesCte, params, q.judge, [q.a, q.b]));
  const referenceEvaluation = q.reference_evaluation ?? evaluation;
  if (evaluation !== null) params.evaluation = evaluation;
  if (referenceEvaluation !== null) params.evaluation_a = referenceEvaluation;
  const [row] = evaluation === null ? [] : await store.query<ComparisonRow>(comparisonSql(tracesCte, allDisagreements ? null : q.limit + 1), params);

  const cells = row?.cells ?? [0, 0, 0, 0];
  const confusion: PassFailTable = { fail_fail: cells[0], fail_pass: cells[1], pass_fail: cells[2], pass_pass: cells[3] };
  const kappa = cohenKappa(confusion);
  const nScored = row?.n_scored ?? 0;
  const r = nScored >= 2 ? finiteOrNull(row!.pearson) : null;
  const paired = pairedTTestFromSummary({
    n: nScored,
    mean_delta: row?.mean_delta ?? null,
    var_delta: row?.var_delta ?? null,
    wins: row?.wins ?? 0,
    losses: row?.losses ?? 0,
    ties: row?.ties ?? 0,
  });
  const triples: JudgedTriple[] = (row?.triples ?? []).map(
    ([dataset, dataset_version, model, prompt, prompt_version, n, n_labeled, pass_a, pass_b, n_scored, mean_a, mean_b]) => ({
      dataset, dataset_version, model, prompt, prompt_version, n, n_labeled, pass_a, pass_b, n_scored, mean_a, mean_b,
    }),
  );
  const after = row?.page ?? [];
  const pageIds = allDisagreements ? after : after.slice(0, q.limit);
  const page = pageIds.length ? await disagreementsOf(store, params, pageIds) : [];
  const byTriple = judgeTripleEffects(triples);

  const alignment = alignmentOf(confusion);
  return {
    judge: q.judge,
    reference,
    a: q.a,
    b: q.b,
    evaluation,
    reference_evaluation: referenceEvaluation,
    n: row?.n ?? 0,
    n_labeled: cells.reduce((n, c) => n + c, 0),
    agreement: kappa.observed_agreement,
    cohen_kappa: kappa.kappa,
    expected_agreement: kappa.expected_agreement,
    kappa_reason: kappa.reason ?? null,
    n_scored: nScored,
    mean_a: nScored > 0 ? finiteOrNull(row!.mean_a) : null,
    mean_b: nScored > 0 ? finiteOrNull(row!.mean_b) : null,
    pearson: r === null ? null : Math.max(-1, Math.min(1, r)),
    pearson_reason: r !== null ? null : nScored < 2 ? 'fewer than 2 traces scored by both versions' : 'one version gave every trace the same score, so the correlation is undefined',
    mean_delta: paired.mean_delta,
    ci95: paired.ci95,
    p_value: paired.p_value,
    low_n: paired.low_n,
    ci_note: paired.note,
    confusion,
    n_disagreements: confusion.fail_pass + confusion.pass_fail,
    disagreements: page,
    next_cursor: !allDisagreements && after.length > pageIds.length ? (pageIds.at(-1) ?? null) : null,
    by_triple: byTriple,
    conclusions: judgeConclusions(byTriple),
    alignment,
    alignment_reason: alignment === null ? 'no trace carries a pass/fail from both sides' : null,
  };
}

function alignmentOf(c: PassFailTable): Alignment | null {
  if (c.pass_pass + c.pass_fail + c.fail_pass + c.fail_fail === 0) return null;
  const ratio = (x: number, y: number) => (y === 0 ? null : x / y);
  const precision = ratio(c.pass_pass, c.pass_pass + c.fail_pass);
  const recall = ratio(c.pass_pass, c.pass_pass + c.pass_fail);
  const f1 = precision === null || recall === null || precision + recall === 0 ? null : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** The judge keys of versions a and b and, per trace of t judged by both, the latest result of each. */
const JUDGED = `
    SELECT *, ${PASS_CODE('ea')} AS la, ${PASS_CODE('eb')} AS lb,
      ${HAS_SCORE('ea')} AND ${HAS_SCORE('eb')} AS both_scored,
      ${SCORE_OF('ea')} AS sa, ${SCORE_OF('eb')} AS sb
    FROM (
      SELECT *,
        ${SCORE_ENTRY('scores', 'cityHash64({judge_a:String}, {v_a:String}, {evaluation_a:String})')} AS ea,
        ${SCORE_ENTRY('scores', 'cityHash64({judge:String}, {v_b:String}, {evaluation:String})')} AS eb
      FROM t)
    WHERE ea != 0 AND eb != 0`;

/**
 * One row: the triples' counts and means, the totals merged from their
 * aggregate states, and `pageSize` disagreeing trace ids after the cursor
 * (null: all of them).
 */
const comparisonSql = (tracesCte: string, pageSize: number | null) => {
  const labeled = 'la > 0 AND lb > 0';
  const disagree = `${labeled} AND la != lb AND trace_id > {cursor:String}`;
  const page = pageSize === null ? 'groupArrayIf' : `groupArraySortedIf`;
  const n = pageSize === null ? '' : `(${pageSize})`;
  return `
  WITH ${tracesCte}, ${NAMES_WITH}
  SELECT
    groupArray(tuple(dataset, dataset_version, model, prompt, prompt_version, n, n_labeled, pass_a, pass_b, n_scored, mean_a, mean_b)) AS triples,
    [sum(c0), sum(c1), sum(c2), sum(c3)] AS cells,
    sum(n) AS n,
    sum(n_scored) AS n_scored,
    avgIfMerge(s_mean_a) AS mean_a,
    avgIfMerge(s_mean_b) AS mean_b,
    corrStableIfMerge(s_corr) AS pearson,
    avgIfMerge(s_delta) AS mean_delta,
    varSampStableIfMerge(s_var) AS var_delta,
    sum(wins) AS wins,
    sum(losses) AS losses,
    sum(ties) AS ties,
    arraySort(${page}Merge${n}(s_page)) AS page
  FROM (
    SELECT ${DECODE('dataset_k')} AS dataset, ${DECODE('dataset_version_k')} AS dataset_version, ${DECODE('model_k')} AS model,
      ${DECODE('prompt_k')} AS prompt, ${DECODE('prompt_version_k')} AS prompt_version,
      count() AS n,
      countIf(${labeled}) AS n_labeled,
      countIf(${labeled} AND la = 2) AS pass_a,
      countIf(${labeled} AND lb = 2) AS pass_b,
      countIf(la = 1 AND lb = 1) AS c0, countIf(la = 1 AND lb = 2) AS c1, countIf(la = 2 AND lb = 1) AS c2, countIf(la = 2 AND lb = 2) AS c3,
      countIf(both_scored) AS n_scored,
      if(n_scored > 0, avgIf(sa, both_scored), NULL) AS mean_a,
      if(n_scored > 0, avgIf(sb, both_scored), NULL) AS mean_b,
      avgIfState(sa, both_scored) AS s_mean_a,
      avgIfState(sb, both_scored) AS s_mean_b,
      corrStableIfState(sa, sb, both_scored) AS s_corr,
      avgIfState(sb - sa, both_scored) AS s_delta,
      varSampStableIfState(sb - sa, both_scored) AS s_var,
      countIf(both_scored AND sb > sa) AS wins,
      countIf(both_scored AND sb < sa) AS losses,
      countIf(both_scored AND sb = sa) AS ties,
      ${page}State${n}(toString(trace_id), ${disagree}) AS s_page
    FROM (${JUDGED})
    GROUP BY dataset_k, dataset_version_k, model_k, prompt_k, prompt_version_k)
  SETTINGS prefer_column_name_to_alias = 1`;
};

/** The page's disagreements: each trace's versions and both results, with labels and explanations. */
async function disagreementsOf(store: Store, params: QueryParams, ids: string[]): Promise<Disagreement[]> {
  const p = { ...params, page_ids: ids };
  // A page of traces by id: read from the rollup by its key, like one trace (traces.ts).
  const [rows, details] = await Promise.all([
    store.query<Omit<Disagreement, 'label_a' | 'label_b' | 'explanation_a' | 'explanation_b'>>(
      `WITH t AS (${traceSummarySql('rollup', { traces: 'trace_id IN {page_ids:Array(String)}' })})
       SELECT toString(trace_id) AS trace_id, example_id, dataset, dataset_version, model, prompt, prompt_version,
         toBool(la = 2) AS passed_a, toBool(lb = 2) AS passed_b,
         if(${HAS_SCORE('ea')}, sa, NULL) AS score_a, if(${HAS_SCORE('eb')}, sb, NULL) AS score_b
       FROM (${JUDGED})
       ORDER BY trace_id`,
      p,
    ),
    store.query<{ trace_id: string; judge_name: string; judge_version: string; name: string; label: string; explanation: string }>(
      `SELECT trace_id, judge_name, judge_version, name, label, explanation FROM (${LATEST_EVALUATIONS_SQL})
       WHERE ((judge_name = {judge_a:String} AND judge_version = {v_a:String} AND name = {evaluation_a:String})
           OR (judge_name = {judge:String} AND judge_version = {v_b:String} AND name = {evaluation:String}))
         AND trace_id IN {page_ids:Array(String)}`,
      p,
    ),
  ]);
  const detail = new Map(details.map((x) => [`${x.trace_id}|${x.judge_name}|${x.judge_version}|${x.name}`, x]));
  const a = `${params.judge_a as string}|${params.v_a as string}|${params.evaluation_a as string}`;
  const b = `${params.judge as string}|${params.v_b as string}|${params.evaluation as string}`;
  return rows.map((x) => ({
    ...x,
    label_a: detail.get(`${x.trace_id}|${a}`)?.label ?? '',
    label_b: detail.get(`${x.trace_id}|${b}`)?.label ?? '',
    explanation_a: detail.get(`${x.trace_id}|${a}`)?.explanation ?? '',
    explanation_b: detail.get(`${x.trace_id}|${b}`)?.explanation ?? '',
  }));
}
