import type { RecordedVersions } from './context.js';
import { warn } from './warn.js';

/**
 * The one place that reads the versions an app passes to task(),
 * withVersions(), runExperiment(), recordEvaluation() and judgeTraces().
 * JavaScript callers get no type check, so every shape is checked here; what
 * can be kept is kept, and each problem is reported once (see warnOnce).
 *
 * Accepted silently (the documented forms, see Versions in context.ts):
 * - `dataset`, `prompt`, `judge`: `{ name, version }` (any object with those,
 *   such as a definePrompt() prompt), or the name alone with the version
 *   beside it in `datasetVersion` / `promptVersion` / `judgeVersion`;
 * - `exampleId`: a string or a finite number; `runId`: a string;
 * - snake_case `dataset_version`, `prompt_version`, `judge_version`,
 *   `example_id`, `run_id`, the keys OpenLLMetry association properties use.
 *
 * `'qa@v1'` is kept as the name `qa@v1`, not split: names may contain `@`
 * (`@team/qa`, `support@acme`), so splitting would silently misfile them.
 */

/** One problem with what the app passed. `got` is the only part that holds the app's values. */
export interface Problem {
  /** The entry point, e.g. `task()`. */
  caller: string;
  /** What is wrong, as the app wrote it: `"prompt"`, `the first argument`. */
  field: string;
  /** What it must be: `must be {name, version} or a name with "promptVersion"`. */
  expected: string;
  got: unknown;
  /** What evaltrace does instead: `the prompt is not recorded`. */
  outcome: string;
}

export type Report = (problem: Problem) => void;

const reported = new Set<string>();

/**
 * Warns once per process per problem (caller, field, expected and outcome:
 * not per value, so a loop over a bad dataset warns once). Through
 * process.emitWarning rather than OTel's diag: diag prints nothing until the
 * app registers a logger, and the developer must see that a version was lost.
 * Node prints warnings on stderr by default; apps can route them with
 * process.on('warning') (name `EvaltraceWarning`) or silence them with --no-warnings.
 */
export const warnOnce: Report = (p) => {
  const key = `${p.caller}\0${p.field}\0${p.expected}\0${p.outcome}`;
  if (reported.has(key)) return;
  reported.add(key);
  warn(`${describe(p)} — ${p.outcome}`);
};

/** For batch tools (judgeTraces) that should stop before doing any work on a bad shape. */
export const rejectShape: Report = (p) => {
  throw new TypeError(describe(p));
};

const describe = (p: Problem) => `${p.caller}: ${p.field} ${p.expected}; got ${show(p.got)}`;

/** The app's value for a message: short, and never throwing (circular objects, BigInts). */
function show(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // Falls back below.
  }
  if (text === undefined) text = typeof value === 'function' ? 'a function' : typeof value === 'object' ? Object.prototype.toString.call(value) : String(value);
  return text.length > 100 ? `${text.slice(0, 99)}…` : text;
}

type Named = 'dataset' | 'prompt' | 'judge';
export type Field = Named | 'exampleId' | 'runId';

/** Every field of Versions: what task() and withVersions() read. */
export const VERSION_FIELDS: readonly Field[] = ['dataset', 'exampleId', 'prompt', 'runId', 'judge'];

const SNAKE: Record<string, string> = {
  datasetVersion: 'dataset_version',
  promptVersion: 'prompt_version',
  judgeVersion: 'judge_version',
  exampleId: 'example_id',
  runId: 'run_id',
};

const isNamed = (f: Field): f is Named => f === 'dataset' || f === 'prompt' || f === 'judge';
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A reader of `fields` for `caller`. Keys other than those fields and
 * `otherKeys` are reported as unknown, unless `otherKeys` is undefined (the
 * options also hold things this module does not read).
 */
export function versionsReader(caller: string, fields: readonly Field[], otherKeys?: readonly string[]) {
  const camel = [...fields.flatMap((f) => (isNamed(f) ? [f, `${f}Version`] : [f])), ...(otherKeys ?? [])];
  const known = otherKeys && new Set(camel.flatMap((k) => [k, SNAKE[k] ?? k]));
  return (input: unknown, report: Report = warnOnce): RecordedVersions => {
    const out: RecordedVersions = {};
    if (input == null) return out;
    if (!isRecord(input)) {
      report({ caller, field: 'the first argument', expected: 'must be an object such as {dataset, prompt}', got: input, outcome: 'no versions are recorded' });
      return out;
    }
    if (known) {
      for (const key of Object.keys(input)) {
        if (known.has(key) || input[key] == null) continue;
        report({ caller, field: JSON.stringify(key), expected: `is not a known key (${camel.join(', ')})`, got: input[key], outcome: 'ignored' });
      }
    }
    for (const f of fields) {
      if (isNamed(f)) {
        const v = named(caller, input, f, report);
        if (v) out[f] = v;
      } else if (f === 'exampleId') {
        const raw = alias(caller, input, f, report);
        const id = exampleIdText(raw);
        if (id !== undefined) out.exampleId = id;
        else if (raw !== undefined) report({ caller, field: '"exampleId"', expected: 'must be a string or a number', got: raw, outcome: 'the example id is not recorded' });
      } else {
        const id = text({ caller, field: '"runId"', expected: 'must be a string', outcome: 'ignored' }, alias(caller, input, f, report), report);
        if (id !== undefined) out.runId = id;
      }
    }
    return out;
  };
}

/** An example id as recorded: a non-empty string, or a finite number as its text. */
export function exampleIdText(value: unknown): string | undefined {
  const ok = (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value));
  return ok ? String(value) : undefined;
}

function named(caller: string, input: Record<string, unknown>, field: Named, report: Report): { name: string; version?: string } | undefined {
  const key = `${field}Version`;
  const beside = alias(caller, input, key, report);
  const raw = input[field];
  const shape = field === 'dataset' ? '{name, version?}' : '{name, version}';
  if (raw == null) {
    if (beside !== undefined) report({ caller, field: `"${key}"`, expected: `needs "${field}" (its name) beside it`, got: beside, outcome: 'ignored' });
    return undefined;
  }
  const obj = isRecord(raw) ? raw : undefined;
  const expected = `must be ${shape} or a name with "${key}"`;
  const outcome = `the ${field} is not recorded`;
  if (obj && obj.name == null) {
    report({ caller, field: `"${field}"`, expected, got: raw, outcome });
    return undefined;
  }
  const where = obj ? { caller, field: `"${field}.name"`, expected: 'must be a string', outcome } : { caller, field: `"${field}"`, expected, outcome };
  const name = text(where, obj ? obj.name : raw, report);
  if (name === undefined) return undefined;

  const inner = obj?.version ?? undefined;
  if (inner !== undefined && beside !== undefined && inner !== beside) {
    const got = { [`${field}.version`]: inner, [key]: beside };
    report({ caller, field: `"${field}"`, expected: `has two versions: give it in ${shape} or in "${key}"`, got, outcome: `the one in "${field}" is recorded` });
  }
  if (inner === undefined && beside === undefined) {
    // A dataset may be unversioned; a prompt or judge without a version cannot be compared with its next one.
    if (field !== 'dataset') report({ caller, field: `"${field}"`, expected: `needs a version: ${expected}`, got: raw, outcome: 'recorded without a version' });
    return { name };
  }
  const at = inner !== undefined ? `"${field}.version"` : `"${key}"`;
  const version = text({ caller, field: at, expected: 'must be a string', outcome: 'recorded without a version' }, inner ?? beside, report);
  return version === undefined ? { name } : { name, version };
}

/**
 * A name, version or run id as recorded: a non-empty string as given; a
 * finite number as its text, reported because the types say string (a number
 * there is often a version passed where the name goes); null or undefined as
 * absent; anything else reported as `where` says and dropped.
 */
function text(where: Omit<Problem, 'got'>, value: unknown, report: Report): string | undefined {
  if (value == null) return undefined;
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) {
    report({ ...where, expected: 'must be a string', got: value, outcome: 'kept as its text' });
    return String(value);
  }
  report({ ...where, got: value });
  return undefined;
}

/** The camelCase key's value, else its snake_case spelling's; reports the two disagreeing. */
function alias(caller: string, input: Record<string, unknown>, key: string, report: Report): unknown {
  const snake = SNAKE[key] as string;
  const a = input[key] ?? undefined;
  const b = input[snake] ?? undefined;
  if (a !== undefined && b !== undefined && a !== b) {
    report({ caller, field: `"${key}"`, expected: `is also given as "${snake}", differently`, got: { [key]: a, [snake]: b }, outcome: `"${key}" is recorded` });
  }
  return a ?? b;
}

/** A judge as recordEvaluation() and judgeTraces() record it. */
export interface RecordedJudge {
  name: string;
  version?: string;
  model?: string;
}

/** The judge of recordEvaluation()/judgeTraces(): required, and in its object form it may name its model. */
export function judgeReader(caller: string, otherKeys?: readonly string[]) {
  const read = versionsReader(caller, ['judge'], otherKeys);
  return (input: unknown, report: Report = warnOnce): RecordedJudge | undefined => {
    const { judge } = read(input, report);
    const raw = isRecord(input) ? input.judge : undefined;
    if (raw == null) {
      const expected = 'must be {name, version} or a name with "judgeVersion"';
      report({ caller, field: '"judge"', expected, got: raw, outcome: 'the evaluation is recorded without a judge' });
    }
    if (!judge || !isRecord(raw) || raw.model == null) return judge;
    const model = text({ caller, field: '"judge.model"', expected: 'must be a string', outcome: 'the judge model is not recorded' }, raw.model, report);
    return model === undefined ? judge : { ...judge, model };
  };
}
