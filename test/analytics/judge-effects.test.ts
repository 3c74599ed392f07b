import { describe, expect, it } from 'vitest';
import { type JudgedTriple, judgeConclusions, judgeTripleEffects } from '../../collector/query/judge-effects.js';

/** The traces of one (dataset, model, prompt) under prompt version `v`: [pass under a, pass under b, score a, score b]. */
function traces(v: string, verdicts: [boolean | null, boolean | null, number | null, number | null][]): JudgedTriple[] {
  const labeled = verdicts.filter(([pa, pb]) => pa !== null && pb !== null);
  const scored = verdicts.filter(([, , sa, sb]) => sa !== null && sb !== null);
  return [
    {
      dataset: 'd',
      dataset_version: '1',
      model: 'm',
      prompt: 'p',
      prompt_version: v,
      n: verdicts.length,
      n_labeled: labeled.length,
      pass_a: labeled.filter(([pa]) => pa).length,
      pass_b: labeled.filter(([, pb]) => pb).length,
      n_scored: scored.length,
      mean_a: scored.length ? scored.reduce((t, [, , sa]) => t + sa!, 0) / scored.length : null,
      mean_b: scored.length ? scored.reduce((t, [, , , sb]) => t + sb!, 0) / scored.length : null,
    },
  ];
}

describe('judge effect on conclusions', () => {
  it('flags a changed winner when the new judge version prefers another prompt version', () => {
    // Under a: v1 passes 2/3, v2 1/3. Under b: v1 1/3, v2 3/3.
    const rows = [
      ...traces('v1', [[true, true, 0.9, 0.8], [true, false, 0.7, 0.4], [false, false, 0.2, 0.1]]),
      ...traces('v2', [[true, true, 0.8, 0.9], [false, true, 0.4, 0.7], [false, true, 0.3, 0.6]]),
    ];
    const effects = judgeTripleEffects(rows);
    expect(effects.map((e) => [e.prompt_version, e.pass_rate_a, e.pass_rate_b])).toEqual([
      ['v1', 2 / 3, 1 / 3],
      ['v2', 1 / 3, 1],
    ]);
    expect(judgeConclusions(effects)).toEqual([
      { dataset: 'd', dataset_version: '1', model: 'm', prompt: 'p', prompt_versions: ['v1', 'v2'], best_a: 'v1', best_b: 'v2', changed: true, basis: 'pass_rate' },
    ]);
  });

  it('calls a tie no winner, and ranks by mean score when the judge gives no labels', () => {
    const tie = judgeTripleEffects([...traces('v1', [[true, true, 1, 1]]), ...traces('v2', [[true, false, 1, 0]])]);
    expect(judgeConclusions(tie)[0]).toMatchObject({ best_a: null, best_b: 'v1', changed: true });
    const scoresOnly = judgeTripleEffects([...traces('v1', [[null, null, 0.2, 0.9]]), ...traces('v2', [[null, null, 0.8, 0.1]])]);
    expect(judgeConclusions(scoresOnly)[0]).toMatchObject({ best_a: 'v2', best_b: 'v1', basis: 'mean_score' });
  });

  it('draws no conclusion for a prompt seen in one version only', () => {
    expect(judgeConclusions(judgeTripleEffects(traces('v1', [[true, true, 1, 1]])))).toEqual([]);
  });
});
