/** Pieces several views share: filter fields over the triples, labels, tiles, badges. */
import { h } from '../dom.js';
import { distinct } from '../filters.js';
import * as fmt from '../format.js';
import { href, withParams } from '../router.js';

export const TRACE_FILTER_KEYS = ['dataset', 'dataset_version', 'model', 'prompt', 'prompt_version'];

/** The given keys of the URL query as an object (absent keys left out). */
export function pickParams(params, keys) {
  return Object.fromEntries(keys.filter((k) => params.get(k)).map((k) => [k, params.get(k)]));
}

/** Filter fields for the per-trace versions, with the values present in `triples`. */
export function traceFilterFields(triples) {
  return [
    { key: 'dataset', label: 'Dataset', options: distinct(triples, (t) => t.dataset) },
    { key: 'dataset_version', label: 'Dataset version', options: distinct(triples, (t) => t.dataset_version) },
    { key: 'model', label: 'Model', options: distinct(triples, (t) => t.model) },
    { key: 'prompt', label: 'Prompt', options: distinct(triples, (t) => t.prompt) },
    { key: 'prompt_version', label: 'Prompt version', options: distinct(triples, (t) => t.prompt_version) },
  ];
}

/** Every (judge, judge version, evaluation) that scored any triple. */
export function judgeKeys(triples) {
  const seen = new Map();
  for (const t of triples) {
    for (const j of t.judges) seen.set(`${j.judge}\u0000${j.judge_version}\u0000${j.evaluation}`, { judge: j.judge, judge_version: j.judge_version, evaluation: j.evaluation });
  }
  return [...seen.values()].sort((a, b) => `${a.judge} ${a.judge_version} ${a.evaluation}`.localeCompare(`${b.judge} ${b.judge_version} ${b.evaluation}`));
}

export const judgeLabel = (j) => `${fmt.versioned(j.judge, j.judge_version)} · ${j.evaluation}`;

export const JUDGE_KEYS = ['judge', 'judge_version', 'evaluation'];

export const sameJudge = (x, j) => x.judge === j.judge && x.judge_version === j.judge_version && x.evaluation === j.evaluation;

/** The judge score a view shows: the one the URL names, else the first in the data; null when nothing was judged. */
export function chosenJudge(params, all) {
  const named = pickParams(params, JUDGE_KEYS);
  return all.find((j) => JUDGE_KEYS.every((k) => named[k] === undefined || named[k] === j[k])) ?? null;
}

/** A "Score by" select that sets judge, judge version and evaluation together (none when nothing was judged). */
export function scoreByField(judges, chosen) {
  if (judges.length === 0) return [];
  const value = (j) => new URLSearchParams(JUDGE_KEYS.map((k) => [k, j[k]])).toString();
  return [{ key: 'score_by', keys: JUDGE_KEYS, label: 'Score by', all: false, options: judges.map((j) => ({ value: value(j), label: judgeLabel(j) })), value: chosen ? value(chosen) : undefined }];
}

/** A short label per triple that names only what varies among the rows shown. */
export function tripleLabeler(triples) {
  const varies = (pick) => new Set(triples.map(pick)).size > 1;
  const datasetNames = varies((t) => t.dataset);
  const datasetVersions = varies((t) => `${t.dataset}@${t.dataset_version}`);
  const prompts = varies((t) => t.prompt);
  const dataset = (t) => (datasetNames ? fmt.versioned(t.dataset, t.dataset_version) : datasetVersions ? t.dataset_version : null);
  return (t) => [dataset(t), t.model, prompts ? fmt.versioned(t.prompt, t.prompt_version) : t.prompt_version].filter(Boolean).join(' · ');
}

/** Headline numbers: [{ label, value, hint, testid }]. */
export function tiles(items) {
  return h(
    'div',
    { class: 'tiles' },
    items.map((it) =>
      h('div', { class: 'tile', 'data-testid': it.testid }, h('div', { class: 'tile-label' }, it.label), h('div', { class: 'tile-value' }, it.value), it.hint ? h('div', { class: 'tile-hint' }, it.hint) : null),
    ),
  );
}

export function successBadge(success) {
  if (success === true) return h('span', { class: 'badge ok' }, 'success');
  if (success === false) return h('span', { class: 'badge bad' }, 'failed');
  return h('span', { class: 'badge' }, 'unknown');
}

export function passBadge(passed, label) {
  const text = label || (passed === true ? 'pass' : passed === false ? 'fail' : '—');
  return h('span', { class: `badge ${passed === true ? 'ok' : passed === false ? 'bad' : ''}` }, text);
}

/** A numeric cell: the value, with a detail underneath in small type. */
export function stacked(value, detail) {
  return h('span', { class: 'stack' }, h('span', { class: 'main' }, value), h('span', { class: 'ci' }, detail));
}

/**
 * An interval with what the API says about it: greyed and tagged "low n"
 * below the method's minimum sample size, "no CI: zero variance" or
 * "no CI: n < 2" when there is none; the whole note on hover.
 */
export function cautioned(ci, caution, render = fmt.interval) {
  const note = caution?.note ?? caution?.ci_note ?? null;
  const text = render(ci);
  if (!caution || (!caution.low_n && !note)) return text;
  const why = note?.startsWith('zero variance') ? 'zero variance' : note?.includes('needs at least 2') ? 'n < 2' : null;
  const tag = !Array.isArray(ci) && why ? `no CI: ${why}` : caution.low_n ? 'low n' : note?.includes('clipped') ? 'clipped' : null;
  return h(
    'span',
    { class: caution.low_n ? 'low-n' : 'noted', title: note ?? '', 'data-testid': 'ci-caution' },
    Array.isArray(ci) ? `${text} ` : '',
    tag ? h('span', { class: 'caution-tag' }, tag) : null,
  );
}

export const withCI = (value, ci, caution) => stacked(value, cautioned(ci, caution));

/** Captured content as text to read in a table: the text parts of semconv messages, else the content as stored. */
export function contentText(raw) {
  if (raw === null || raw === undefined || raw === '') return fmt.DASH;
  try {
    const value = JSON.parse(raw);
    if (Array.isArray(value) && value.every((m) => Array.isArray(m?.parts))) {
      return value.map((m) => m.parts.filter((p) => p.type === 'text').map((p) => p.content).join('')).filter(Boolean).join('\n') || raw;
    }
  } catch {
    // Plain text (a string task input), or content cut to its size bound.
  }
  return raw;
}

/** Previous / next links over `total` rows shown `size` at a time from `offset` (the URL's offset). */
export function offsetPager(path, params, offset, size, total) {
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    offset > 0 ? h('a', { href: href(path, withParams(params, { offset: Math.max(0, offset - size) || null })) }, '← Previous') : null,
    offset + size < total ? h('a', { href: href(path, withParams(params, { offset: offset + size })), 'data-testid': 'next-page' }, 'Next →') : null,
  );
}

/** Landis and Koch's names for bands of kappa. */
export function kappaWords(k) {
  if (!fmt.isNum(k)) return null;
  if (k < 0) return 'worse than chance';
  if (k <= 0.2) return 'slight agreement';
  if (k <= 0.4) return 'fair agreement';
  if (k <= 0.6) return 'moderate agreement';
  if (k <= 0.8) return 'substantial agreement';
  return 'almost perfect agreement';
}
