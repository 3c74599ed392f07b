/**
 * The project's one statistics module: pure functions, no dependencies.
 * Import it from here; the parts import only core.ts and dist.ts (and
 * paired.ts the parts it summarises), never this index:
 *
 *   dist.ts       special functions, distributions, seeded index draws (a leaf)
 *   core.ts       Interval, Z95, checks, null-safe distribution functions, descriptive statistics
 *   caution.ts    minimum sample sizes, low-n notes, clipping to a value range
 *   moments.ts    means with t intervals, paired and Welch t tests
 *   binary.ts     pass/fail tables, Wilson and Newcombe intervals, McNemar, Cohen's kappa
 *   bootstrap.ts  percentile bootstrap, paired and two-sample
 *   paired.ts     paired summaries of two versions on the same items
 *
 * Every result is JSON-safe: where a value is undefined it is `null`, never
 * NaN or ±Infinity. Differences are always "b minus a".
 */
export {
  assertCount,
  chiSquareCdf1,
  finiteOrNull,
  type Interval,
  mean,
  normalCdf,
  normalQuantile,
  pearson,
  quantile,
  stdDev,
  tCdf,
  tQuantile,
  variance,
  Z95,
} from './core.js';
export { IndexDraws, mulberry32 } from './dist.js';
export * from './caution.js';
export * from './moments.js';
export * from './binary.js';
export * from './bootstrap.js';
export * from './paired.js';
