/**
 * Deterministic code judges: exact match, contains, JSON-valid and regex.
 * Each is `{ judge, evaluate }`, to spread into judgeTraces():
 * `judgeTraces({ filter, ...exactMatch() })` judges each trace against the
 * expected answer of the stored dataset item it ran on (or pass `expected`).
 * Its version is `code:` + 12 hex digits of a hash over the kind and the
 * options that change verdicts (an edited rule gets a new version, as an
 * edited prompt template does); the expected answers are data, not the rule.
 */
import { createHash } from 'node:crypto';
import type { EvaluationResult, Judge } from './evaluation.js';
import { type Expected, expectedOf } from './expected.js';
import type { StoredTrace } from './traces.js';

export interface CodeJudge {
  judge: Judge;
  evaluate: (trace: StoredTrace) => EvaluationResult | undefined | Promise<EvaluationResult | undefined>;
}

export interface MatchOptions {
  /** Default: the expected answer of the stored dataset item each trace ran on. */
  expected?: Expected;
  /** Judge name; default the kind ("exact-match", "contains"). */
  name?: string;
  /** Compare case-sensitively. Default false. */
  caseSensitive?: boolean;
  /** Also the evaluation name. Default "correctness". */
  evaluation?: string;
}

function version(kind: string, rule: unknown): string {
  return `code:${createHash('sha256').update(JSON.stringify([kind, rule])).digest('hex').slice(0, 12)}`;
}

const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

function matcher(kind: 'exact-match' | 'contains', o: MatchOptions = {}): CodeJudge {
  const caseSensitive = o.caseSensitive ?? false;
  const norm = (s: string) => (caseSensitive ? s.trim() : s.trim().toLowerCase());
  const expectedFor = expectedOf(o.expected);
  const evaluation = o.evaluation ?? 'correctness';
  return {
    judge: { name: o.name ?? kind, version: version(kind, { caseSensitive }) },
    evaluate: async (trace) => {
      const want = await expectedFor(trace);
      // No expected answer: nothing to judge against, so the trace is skipped rather than failed.
      if (want === undefined || want === null) return undefined;
      const got = norm(trace.outputText);
      const target = norm(text(want));
      const ok = kind === 'exact-match' ? got === target : got.includes(target);
      return { name: evaluation, score: ok ? 1 : 0, label: ok ? 'pass' : 'fail', explanation: `${kind} ${JSON.stringify(text(want))}${caseSensitive ? '' : ' (case-insensitive)'}` };
    },
  };
}

/** Passes when the output, trimmed, equals the expected answer. */
export const exactMatch = (o?: MatchOptions): CodeJudge => matcher('exact-match', o);

/** Passes when the output contains the expected answer. */
export const contains = (o?: MatchOptions): CodeJudge => matcher('contains', o);

/** Passes when the output is valid JSON. */
export function jsonValid(o: { name?: string; evaluation?: string } = {}): CodeJudge {
  return {
    judge: { name: o.name ?? 'json-valid', version: version('json-valid', {}) },
    evaluate: (trace) => {
      try {
        JSON.parse(trace.outputText);
        return { name: o.evaluation ?? 'format', score: 1, label: 'pass', explanation: 'valid JSON' };
      } catch (err) {
        return { name: o.evaluation ?? 'format', score: 0, label: 'fail', explanation: `not JSON: ${(err as Error).message}` };
      }
    },
  };
}

/** Passes when the output matches `pattern`. */
export function regexMatch(pattern: RegExp, o: { name?: string; evaluation?: string } = {}): CodeJudge {
  return {
    judge: { name: o.name ?? 'regex', version: version('regex', { source: pattern.source, flags: pattern.flags }) },
    evaluate: (trace) => {
      pattern.lastIndex = 0;
      const ok = pattern.test(trace.outputText);
      return { name: o.evaluation ?? 'format', score: ok ? 1 : 0, label: ok ? 'pass' : 'fail', explanation: `${ok ? 'matches' : 'does not match'} /${pattern.source}/${pattern.flags}` };
    },
  };
}
