/**
 * Sample-size cautions: below these numbers of items an interval is still
 * given where it is defined, flagged `low_n` with a note that says why, so
 * no reader takes a 2-example interval at face value. One place for the
 * thresholds, read by every answer that carries an interval.
 */
export interface MinimumN {
  /** t intervals and tests (means, paired differences). */
  t: number;
  /** Percentile bootstrap intervals (cost per success, ratios, medians). */
  bootstrap: number;
}

export const DEFAULT_MIN_N: Readonly<MinimumN> = { t: 10, bootstrap: 20 };

let minimum: MinimumN = { ...DEFAULT_MIN_N };

/** Set once at start from the configuration (EVALTRACE_MIN_N_T, EVALTRACE_MIN_N_BOOTSTRAP). */
export function setMinimumN(m: MinimumN): void {
  minimum = { ...m };
}

export function minimumN(): Readonly<MinimumN> {
  return minimum;
}

export interface Caution {
  /** Fewer items than the method's minimum: read the interval as a rough guide at best. */
  low_n: boolean;
  /** Why an interval is missing, flagged or clipped; null when there is nothing to say. */
  note: string | null;
}

const METHOD_WORDS: Record<keyof MinimumN, string> = { t: 't interval', bootstrap: 'bootstrap interval' };

/** The caution for `n` items under `method`, joined with a note the caller already has (zero variance, a clipped bound). */
export function caution(n: number, method: keyof MinimumN, note: string | null = null): Caution {
  const min = minimum[method];
  const low = n < min;
  const words = low ? `n = ${n} < ${min}: the ${METHOD_WORDS[method]} is unreliable at this sample size` : null;
  return { low_n: low, note: [note, words].filter((x) => x !== null).join('; ') || null };
}

/** Clips an interval to the range the values can take, saying so; null bounds leave it as it is. */
export function clipToRange(ci: [number, number] | null, range: readonly [number, number] | null): { ci95: [number, number] | null; note: string | null } {
  if (ci === null || range === null) return { ci95: ci, note: null };
  const [lo, hi] = range;
  if (ci[0] >= lo && ci[1] <= hi) return { ci95: ci, note: null };
  return { ci95: [Math.max(ci[0], lo), Math.min(ci[1], hi)], note: `clipped to the values' range [${lo}, ${hi}]` };
}
