import type { QueryParams, Store } from '../store/types.js';
import { type JudgeFilter, type TraceFilter, tracesSql } from '../sql/filters.js';
import { exampleRow, type ExampleRow, exampleSql, type ExampleTuple, type PairedComparison, pairedComparison } from './paired-examples.js';
import { pickScore, type ScoreChoice, scoreChoices } from './score-choice.js';

export interface ComparePromptsParams extends Omit<TraceFilter, 'prompt' | 'prompt_version'>, JudgeFilter {
  prompt: string;
  a: string;
  b: string;
}

export interface PromptModelComparison extends PairedComparison {
  model: string;
}

export interface PromptComparison {
  prompt: string;
  a: string;
  b: string;
  score: ScoreChoice | null;
  pairing: string;
  models: PromptModelComparison[];
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
      .map(([model, examples]) => ({ model, ...pairedComparison(examples, q.a).comparison })),
  };
}

async function anyTrace(store: Store, tracesCte: string, params: QueryParams): Promise<boolean> {
  const [row] = await store.query<{ n: number }>(`WITH ${tracesCte} SELECT count() AS n FROM t`, params);
  return (row?.n ?? 0) > 0;
}
