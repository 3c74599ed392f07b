import { invalid } from '../errors.js';
import type { QueryParams, Store } from '../store/types.js';
import { type JudgeFilter, judgeWhere } from '../sql/filters.js';
import { JUDGE_KEYS_SQL, SCORE_KEY } from '../sql/traces.js';

/** The score a comparison reads: one evaluation name of one judge version. */
export interface ScoreChoice {
  judge: string;
  judge_version: string;
  evaluation: string;
}

/** The judge keys with a latest result on the traces of CTE t (the rollup's scores). */
const KEYS_OVER_T = `SELECT DISTINCT arrayJoin(arrayMap(x -> ${SCORE_KEY('x')}, scores)) FROM t`;

const describe = (c: ScoreChoice) => `judge=${c.judge} judge_version=${c.judge_version} evaluation=${c.evaluation}`;

/**
 * The (judge, judge version, evaluation) triples that scored the traces of
 * `tracesCte` (a CTE named t), narrowed by the caller's judge filters; with
 * `overTraces` false, those of the whole project (no pass over the traces):
 * a superset, equal when it is empty.
 */
export async function scoreChoices(store: Store, tracesCte: string, params: QueryParams, f: JudgeFilter, overTraces = true): Promise<ScoreChoice[]> {
  return store.query<ScoreChoice>(
    `${overTraces ? `WITH ${tracesCte}` : ''}
     SELECT judge_name AS judge, judge_version, name AS evaluation
     FROM (${JUDGE_KEYS_SQL})
     WHERE ${overTraces ? `key IN (${KEYS_OVER_T})` : '1'} AND ${judgeWhere(f, params)}
     GROUP BY judge, judge_version, evaluation
     ORDER BY judge, judge_version, evaluation
     SETTINGS prefer_column_name_to_alias = 1`,
    params,
  );
}

/**
 * Picks the one score to compare. None is fine when the caller named no
 * judge (the comparison then has no quality columns); several is a 400 that
 * lists them so the caller can pick.
 */
export function pickScore(choices: ScoreChoice[], f: JudgeFilter): ScoreChoice | null {
  if (choices.length === 1) return choices[0]!;
  if (choices.length === 0) {
    if (f.judge === undefined && f.judge_version === undefined && f.evaluation === undefined) return null;
    throw invalid('no evaluation matches judge, judge_version and evaluation over the compared traces', 'invalid_request');
  }
  throw invalid(
    `the compared traces carry ${choices.length} scores; pick one with judge, judge_version and evaluation: ${choices.map(describe).join('; ')}`,
    'invalid_request',
  );
}

/**
 * The evaluation names that both judge versions gave: the only names the two
 * versions can be compared on. The project's judge keys answer at once;
 * only when they name several are they narrowed to the traces of
 * `tracesCte`, which reads every trace's scores.
 */
export async function sharedEvaluations(
  store: Store,
  tracesCte: string,
  params: QueryParams,
  judge: string,
  versions: [string, string],
): Promise<string[]> {
  const shared = async (overTraces: boolean) =>
    (
      await store.query<{ evaluation: string }>(
        `${overTraces ? `WITH ${tracesCte}` : ''}
         SELECT name AS evaluation
         FROM (${JUDGE_KEYS_SQL})
         WHERE ${overTraces ? `key IN (${KEYS_OVER_T})` : '1'}
           AND judge_name = {c_judge:String} AND judge_version IN ({c_a:String}, {c_b:String})
         GROUP BY evaluation
         HAVING uniqExact(judge_version) = 2
         ORDER BY evaluation`,
        { ...params, c_judge: judge, c_a: versions[0], c_b: versions[1] },
      )
    ).map((r) => r.evaluation);
  const inProject = await shared(false);
  return inProject.length > 1 ? shared(true) : inProject;
}

/** The evaluation name to compare judge versions on when the caller named none: the only shared one, else a 400 listing them. */
export function pickEvaluation(shared: string[]): string | null {
  if (shared.length <= 1) return shared[0] ?? null;
  throw invalid(`both judge versions gave ${shared.length} evaluations; pick one with evaluation=${shared.join(' | evaluation=')}`, 'invalid_request');
}
