import type { Store } from '../store/types.js';
import type { JudgeFilter, TraceFilter } from '../sql/filters.js';
import { wilsonCI95 } from '../stats/index.js';
import type { PromptReport } from '../contract/responses.js';
import { triples } from './triples.js';

export interface PromptsParams extends TraceFilter, JudgeFilter {
  prompt: string;
}

const natural = new Intl.Collator('en', { numeric: true });

/**
 * Cost and quality by prompt version: one row per prompt version × model ×
 * dataset version (the triples of one prompt), in natural version order
 * (v2 before v10), with quality per judge version.
 */
export async function promptReport(store: Store, project: string, q: PromptsParams): Promise<PromptReport> {
  const rows = await triples(store, project, q);
  const versions = rows
    .sort(
      (x, y) =>
        natural.compare(x.prompt_version, y.prompt_version) ||
        natural.compare(x.model, y.model) ||
        natural.compare(x.dataset, y.dataset) ||
        natural.compare(x.dataset_version, y.dataset_version),
    )
    .map(({ prompt: _prompt, judges, ...t }) => ({
      ...t,
      success_rate: t.n_success / t.n_traces,
      quality: judges.map((j) => ({
        judge: j.judge,
        judge_version: j.judge_version,
        evaluation: j.evaluation,
        n_scored: j.n_scored,
        mean: j.score_mean,
        ci95: j.score_ci95,
        low_n: j.low_n,
        ci_note: j.ci_note,
        n_labeled: j.n_labeled,
        pass_rate: j.pass_rate,
        // pass_rate is passes / n_labeled, so rounding recovers the exact count.
        pass_rate_ci95: j.pass_rate === null ? null : wilsonCI95(Math.round(j.pass_rate * j.n_labeled), j.n_labeled),
        cost_per_pass: j.cost_per_pass,
      })),
    }));
  return { prompt: q.prompt, versions };
}
