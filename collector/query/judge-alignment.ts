import type { JudgeAlignment, VersionAlignment } from '../contract/responses.js';
/**
 * Which version of a judge agrees best with a reference (people's labels:
 * judge `human`, one annotator as its version): every version of the judge
 * compared with the reference on the traces both judged, by compareJudges,
 * and ranked by Cohen's kappa. A version with fewer than `min_labels`
 * traces labelled pass/fail by both is not ranked, and its numbers are null
 * with the reason, since a kappa from a handful of labels says little.
 */
import { invalid, notFound } from '../errors.js';
import type { Store } from '../store/types.js';
import { compareJudges } from './compare-judges.js';
import type { TraceFilter } from '../sql/filters.js';

export const DEFAULT_MIN_LABELS = 10;

export interface AlignmentParams extends TraceFilter {
  judge: string;
  evaluation: string;
  reference: string;
  /** The reference's version (for `human`, the annotator); needed when it has several. */
  reference_version?: string;
  reference_evaluation?: string;
  min_labels: number;
}

interface KeyRow {
  judge_name: string;
  judge_version: string;
  name: string;
}

const nulls = { agreement: null, cohen_kappa: null, precision: null, recall: null, f1: null, mean_delta: null, ci95: null };

export async function judgeAlignment(store: Store, project: string, q: AlignmentParams): Promise<JudgeAlignment> {
  const referenceEvaluation = q.reference_evaluation ?? q.evaluation;
  const keys = await store.query<KeyRow>(
    `SELECT DISTINCT judge_name, judge_version, name FROM judge_keys
     WHERE project = {project:String} AND judge_name IN ({judge:String}, {reference:String})
     ORDER BY judge_version`,
    { project, judge: q.judge, reference: q.reference },
  );
  const referenceVersions = keys.filter((k) => k.judge_name === q.reference && k.name === referenceEvaluation).map((k) => k.judge_version);
  if (referenceVersions.length === 0) throw notFound(`judge ${q.reference} has no ${referenceEvaluation} evaluations in this project to align with`);
  const referenceVersion = q.reference_version ?? (referenceVersions.length === 1 ? referenceVersions[0]! : undefined);
  if (referenceVersion === undefined) {
    throw invalid(`judge ${q.reference} has several versions on ${referenceEvaluation} (${referenceVersions.join(', ')}): name one with reference_version=`, 'invalid_request');
  }
  if (!referenceVersions.includes(referenceVersion)) throw notFound(`judge ${q.reference} has no version ${referenceVersion} on ${referenceEvaluation}; versions: ${referenceVersions.join(', ')}`);
  const versions = keys
    .filter((k) => k.judge_name === q.judge && k.name === q.evaluation && !(q.judge === q.reference && k.judge_version === referenceVersion))
    .map((k) => k.judge_version);
  if (versions.length === 0) throw notFound(`judge ${q.judge} has no ${q.evaluation} evaluations in this project`);

  const { judge, evaluation, reference, min_labels: minLabels } = q;
  const rows = await Promise.all(
    versions.map(async (version): Promise<VersionAlignment> => {
      // The reference's own keys go as compareJudges names them; the rest of q is the trace filter.
      const c = await compareJudges(store, project, { ...q, a: referenceVersion, b: version, reference_evaluation: referenceEvaluation, limit: 0 });
      const base = { version, n_labeled: c.n_labeled, n_scored: c.n_scored, confusion: c.confusion };
      const who = `${reference} ${referenceVersion} and ${judge} ${version}`;
      if (c.n_labeled < minLabels) {
        return { ...base, ...nulls, ranked: false, reason: `only ${c.n_labeled} traces carry a pass/fail from both ${who}; alignment needs at least ${minLabels} (min_labels)` };
      }
      if (c.cohen_kappa === null) return { ...base, ...nulls, ranked: false, reason: c.kappa_reason ?? 'kappa is undefined' };
      return {
        ...base,
        ranked: true,
        reason: null,
        agreement: c.agreement,
        cohen_kappa: c.cohen_kappa,
        precision: c.alignment?.precision ?? null,
        recall: c.alignment?.recall ?? null,
        f1: c.alignment?.f1 ?? null,
        mean_delta: c.mean_delta,
        ci95: c.ci95,
      };
    }),
  );
  const order = (x: VersionAlignment, y: VersionAlignment) =>
    Number(y.ranked) - Number(x.ranked) || (y.cohen_kappa ?? 0) - (x.cohen_kappa ?? 0) || (y.agreement ?? 0) - (x.agreement ?? 0) || (x.version < y.version ? -1 : 1);
  rows.sort(order);
  const best = rows[0]?.ranked ? rows[0] : undefined;
  const tied = best ? rows.filter((r) => r.ranked && r.cohen_kappa === best.cohen_kappa && r.agreement === best.agreement).length > 1 : false;
  return {
    judge,
    evaluation,
    reference,
    reference_version: referenceVersion,
    reference_evaluation: referenceEvaluation,
    reference_versions: referenceVersions,
    min_labels: minLabels,
    versions: rows,
    best: best && !tied ? best.version : null,
    best_reason: !best
      ? `no version of ${judge} has ${minLabels} traces labelled by both it and ${reference} ${referenceVersion}`
      : tied
        ? `versions tie on kappa ${best.cohen_kappa!.toFixed(3)} and agreement`
        : `highest Cohen's kappa with ${reference} ${referenceVersion} (${best.cohen_kappa!.toFixed(3)} on ${best.n_labeled} traces)`,
  };
}
