/**
 * Rule outcomes and the gate decision.
 *
 * The exact rule (also in README, "Promotion gates"). Let Δ = candidate − baseline and
 * [lo, hi] its 95% CI. "Worsening" is −Δ for higher_is_better and +Δ for
 * lower_is_better, so its CI is [−hi, −lo] or [lo, hi]. The allowed
 * worsening m is margin.absolute, or margin.relative × |baseline value|, or 0.
 *   fail          the whole CI lies beyond the margin: worsening_lo > m
 *   pass          the whole CI lies within it:         worsening_hi ≤ m
 *   inconclusive  otherwise (the CI straddles m), or there is no CI or no m
 * When every paired difference is the same (zero variance) there is no CI
 * but Δ is exact: the rule is applied to [Δ, Δ].
 * Decision: block if a block-severity rule fails; else warn if any rule
 * fails or is inconclusive or any check has n < min_n ("insufficient
 * evidence"); else promote.
 */
import type { Interval } from '../stats/index.js';
import type { Check, Decision, Margin, Outcome, Rule } from './schemas.js';

export function allowedWorsening(margin: Margin | undefined, baseline: number | null): number | null {
  if (margin?.relative !== undefined) return baseline === null ? null : margin.relative * Math.abs(baseline);
  return margin?.absolute ?? 0;
}

/** Compact number for reasons: 4 significant digits, no exponent noise for small costs. */
export function fmt(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-4) return x.toExponential(3);
  return String(Number(x.toPrecision(4)));
}

export function ruleOutcome(
  rule: Rule,
  label: string,
  ci95: Interval | null,
  allowed: number | null,
  n: number,
  exact: number | null = null,
): { outcome: Outcome; reason: string } {
  if (n === 0) return { outcome: 'inconclusive', reason: `no ${label} could be measured on both sides` };
  if (ci95 === null && exact !== null) return exactOutcome(rule, label, exact, allowed);
  if (ci95 === null) return { outcome: 'inconclusive', reason: `too few observations of ${label} for a confidence interval (n = ${n})` };
  if (allowed === null) return { outcome: 'inconclusive', reason: `the baseline ${label} is undefined, so a relative margin cannot be applied` };
  const [lo, hi] = rule.direction === 'higher_is_better' ? [-ci95[1], -ci95[0]] : ci95;
  const worse = rule.direction === 'higher_is_better' ? 'lower' : 'higher';
  const change = `the 95% CI of the change in ${label} is [${fmt(ci95[0])}, ${fmt(ci95[1])}]`;
  const bound = allowed === 0 ? 'no worsening at all' : `${worse} by at most ${fmt(allowed)}`;
  if (lo > allowed) {
    return { outcome: 'fail', reason: `${change}: the candidate is ${worse} by more than the allowed ${fmt(allowed)} across the whole interval` };
  }
  if (hi <= allowed) return { outcome: 'pass', reason: `${change}, entirely within the margin (${bound})` };
  return {
    outcome: 'inconclusive',
    reason: `${change}, which straddles the margin (${bound}): the data cannot tell whether the candidate regressed beyond it`,
  };
}

/** The rule on an exact change: every item moved by the same `delta`. */
function exactOutcome(rule: Rule, label: string, delta: number, allowed: number | null): { outcome: Outcome; reason: string } {
  const change = `every item's ${label} changed by exactly ${fmt(delta)} (no spread, so no interval)`;
  if (allowed === null) return { outcome: 'inconclusive', reason: `the baseline ${label} is undefined, so a relative margin cannot be applied` };
  const worsening = rule.direction === 'higher_is_better' ? -delta : delta;
  const worse = rule.direction === 'higher_is_better' ? 'lower' : 'higher';
  if (worsening > allowed) return { outcome: 'fail', reason: `${change}: the candidate is ${worse} by more than the allowed ${fmt(allowed)}` };
  return { outcome: 'pass', reason: `${change}, within the margin (${allowed === 0 ? 'no worsening at all' : `${worse} by at most ${fmt(allowed)}`})` };
}

export interface DecisionSummary {
  decision: Decision;
  reasons: string[];
  next_action: string;
}

const describe = (c: Check) => (c.evaluation !== null && c.evaluation !== c.metric ? `${c.metric} (${c.evaluation})` : c.metric);
const list = (cs: Check[]) => cs.map(describe).join(', ');

export function decide(checks: readonly Check[], minN: number, decisionId: string): DecisionSummary {
  const blocking = checks.filter((c) => c.outcome === 'fail' && c.severity === 'block');
  const warnFails = checks.filter((c) => c.outcome === 'fail' && c.severity === 'warn');
  const inconclusive = checks.filter((c) => c.outcome === 'inconclusive');
  const thin = checks.filter((c) => !c.sufficient);
  const reasons = [
    ...blocking.map((c) => `blocking rule ${describe(c)} failed: ${c.reason}`),
    ...warnFails.map((c) => `warning rule ${describe(c)} failed: ${c.reason}`),
    ...inconclusive.map((c) => `rule ${describe(c)} is inconclusive: ${c.reason}`),
    ...thin.map((c) => `insufficient evidence for ${describe(c)}: n = ${c.n} < min_n = ${minN}`),
  ];
  if (blocking.length > 0) {
    return {
      decision: 'block',
      reasons,
      next_action:
        `Do not promote. Fix the regression in ${list(blocking)} (the sample traces under each failing check show where), ` +
        'then run the gate again on new evidence.',
    };
  }
  if (reasons.length === 0) {
    return {
      decision: 'promote',
      reasons: [`all ${checks.length} rules passed, each with n ≥ min_n = ${minN}`],
      next_action: `Promote the candidate, citing this decision: evaltrace release promote <release-id> --decision ${decisionId} --approver <you> --reason <why>.`,
    };
  }
  const steps: string[] = [];
  if (thin.length > 0) steps.push(`collect at least ${minN} examples on both sides for ${list(thin)}`);
  if (inconclusive.length > 0) steps.push(`narrow the inconclusive checks (${list(inconclusive)}) with more examples or repeats`);
  if (warnFails.length > 0) steps.push(`review the warning-level regressions in ${list(warnFails)}`);
  return {
    decision: 'warn',
    reasons,
    next_action: `Hold: ${steps.join('; ')}; then run the gate again. Promoting before that needs an explicit override (approver and reason recorded).`,
  };
}
