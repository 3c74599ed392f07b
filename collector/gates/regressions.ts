/**
 * The evidence behind a check that did not pass: the examples where the
 * candidate did worst against the baseline (paired), or the candidate's
 * worst traces against the baseline's value (unpaired). Worst first.
 */
import { compareStrings, type TraceFacts, type Unit } from './evidence.js';
import { aggregateValue, type ResolvedMetric } from './metrics.js';
import { observations } from './compare.js';
import type { RegressionSample, Rule } from './schemas.js';

const SAMPLE_LIMIT = 5;

const worsening = (direction: Rule['direction'], baseline: number, candidate: number) =>
  direction === 'higher_is_better' ? baseline - candidate : candidate - baseline;

const ids = (traces: readonly TraceFacts[], observe: ResolvedMetric['baseline']) =>
  traces.filter((t) => observe(t) !== null).map((t) => t.trace_id);

export function pairedRegressions(m: ResolvedMetric, direction: Rule['direction'], pairs: readonly (readonly [Unit, Unit])[]): RegressionSample[] {
  const rows: { w: number; sample: RegressionSample }[] = [];
  for (const [a, b] of pairs) {
    const va = aggregateValue(m.aggregate, observations(m.baseline, a.traces));
    const vb = aggregateValue(m.aggregate, observations(m.candidate, b.traces));
    if (va === null || vb === null) continue;
    const w = worsening(direction, va, vb);
    if (!(w > 0)) continue;
    rows.push({
      w,
      sample: {
        dataset: a.dataset,
        dataset_version: a.dataset_version,
        example_id: a.example_id,
        baseline: va,
        candidate: vb,
        baseline_trace_ids: ids(a.traces, m.baseline),
        candidate_trace_ids: ids(b.traces, m.candidate),
      },
    });
  }
  return rows
    .sort((x, y) => y.w - x.w || compareStrings(x.sample.example_id, y.sample.example_id))
    .slice(0, SAMPLE_LIMIT)
    .map((r) => r.sample);
}

export function unpairedRegressions(
  m: ResolvedMetric,
  direction: Rule['direction'],
  candidate: readonly TraceFacts[],
  baselineValue: number | null,
): RegressionSample[] {
  if (baselineValue === null) return [];
  const rows: { w: number; sample: RegressionSample }[] = [];
  for (const t of candidate) {
    const v = aggregateValue(m.aggregate, observations(m.candidate, [t]));
    if (v === null) continue;
    const w = worsening(direction, baselineValue, v);
    if (!(w > 0)) continue;
    rows.push({
      w,
      sample: {
        dataset: t.dataset,
        dataset_version: t.dataset_version,
        example_id: t.example_id,
        baseline: baselineValue,
        candidate: v,
        baseline_trace_ids: [],
        candidate_trace_ids: [t.trace_id],
      },
    });
  }
  return rows
    .sort((x, y) => y.w - x.w || compareStrings(x.sample.candidate_trace_ids[0]!, y.sample.candidate_trace_ids[0]!))
    .slice(0, SAMPLE_LIMIT)
    .map((r) => r.sample);
}
