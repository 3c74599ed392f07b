/**
 * CSV and JSONL renderings of query results for download. Both formats carry
 * the same flat records (one CSV row = one JSONL line): nested objects become
 * prefixed columns (cost_per_task_mean_delta) and a [low, high] interval
 * becomes two columns (ci95_low, ci95_high).
 */
import type { PromptComparison } from '../query/compare-prompts.js';
import type { JudgeComparison, Triple } from '../contract/responses.js';

export type ExportFormat = 'csv' | 'jsonl';
export type Cell = string | number | boolean | null;
export type FlatRecord = Record<string, Cell>;

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
};

/** Flattens nested objects into prefixed keys; intervals (2-item arrays) into _low/_high. */
export function flatten(value: Record<string, unknown>, prefix = '', out: FlatRecord = {}): FlatRecord {
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}_${k}` : k;
    if (Array.isArray(v)) {
      out[`${key}_low`] = (v[0] as Cell) ?? null;
      out[`${key}_high`] = (v[1] as Cell) ?? null;
    } else if (v !== null && typeof v === 'object') {
      flatten(v as Record<string, unknown>, key, out);
    } else {
      out[key] = v === undefined ? null : (v as Cell);
    }
  }
  return out;
}

/**
 * A spreadsheet evaluates a text cell that starts with = + - @ or a control
 * character as a formula; judge explanations and attribute values come from
 * outside, so such text gets a leading apostrophe (OWASP CSV injection advice).
 * Numbers are written as numbers and never altered.
 */
function csvCell(v: Cell): string {
  if (v === null) return '';
  if (typeof v !== 'string') return String(v);
  const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 CSV: header row from the union of keys in first-seen order, CRLF line ends. */
export function toCsv(rows: readonly FlatRecord[]): string {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k);
        columns.push(k);
      }
    }
  }
  const lines = [columns.map(csvCell).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(r[c] ?? null)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function toJsonl(rows: readonly FlatRecord[]): string {
  return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
}

export function render(format: ExportFormat, rows: readonly FlatRecord[]): string {
  return format === 'csv' ? toCsv(rows) : toJsonl(rows);
}

/** A download file name from its parts: letters, digits, dot, dash and underscore only. */
export function fileName(parts: readonly string[], format: ExportFormat): string {
  const base = parts.map((p) => p.replace(/[^\w.-]+/g, '_')).join('-').slice(0, 200);
  return `${base}.${format}`;
}

/** One row per (triple, judge version, evaluation); a triple without scores gets one row with empty judge columns. */
export function tripleRecords(triples: readonly Triple[]): FlatRecord[] {
  const judgeColumns = {
    judge: null,
    judge_version: null,
    evaluation: null,
    n_scored: null,
    score_mean: null,
    score_ci95: [null, null],
    low_n: null,
    ci_note: null,
    n_labeled: null,
    pass_rate: null,
    cost_per_pass: null,
  };
  return triples.flatMap(({ judges, ...t }) =>
    (judges.length ? judges : [judgeColumns]).map((j) => flatten({ ...t, ...j })),
  );
}

/** One row per model. */
export function comparePromptRecords(c: PromptComparison): FlatRecord[] {
  const score = { judge: c.score?.judge ?? null, judge_version: c.score?.judge_version ?? null, evaluation: c.score?.evaluation ?? null };
  return c.models.map((m) => flatten({ prompt: c.prompt, a: c.a, b: c.b, ...score, ...m }));
}

/** One row per disagreement. */
export function disagreementRecords(c: JudgeComparison): FlatRecord[] {
  return c.disagreements.map((d) => flatten({ judge: c.judge, a: c.a, b: c.b, evaluation: c.evaluation, ...d }));
}
