import { h } from './dom.js';
import { href, navigate, withParams } from './router.js';

const asOption = (o) => (typeof o === 'string' ? { value: o, label: o } : o);

/**
 * Select boxes bound to the URL query: changing one navigates to the same view
 * with that parameter set (paging and the keys in `reset` start over).
 * A field is { key, label, options: (string | {value, label})[], all, value }:
 * `all` is the label of the "no filter" choice, or false when a value is
 * required; `value` is the value in effect when the URL names none (a default);
 * `resets` lists parameters that depend on this one and start over with it.
 * Some fields set several parameters at once (`keys`): then an option's value
 * is the URLSearchParams string of those keys.
 */
export function filterBar(path, params, fields, { reset = [] } = {}) {
  const cleared = Object.fromEntries(['cursor', ...reset].map((k) => [k, null]));
  const controls = fields.map((f) => {
    const keys = f.keys ?? [f.key];
    const named = f.keys ? new URLSearchParams(keys.filter((k) => params.has(k)).map((k) => [k, params.get(k)])).toString() : (params.get(f.key) ?? '');
    // A multi-parameter field's `value` is what the view resolved from a partial URL (e.g. only judge_version).
    const current = (f.keys && f.value) || named || (f.value ?? '');
    const options = f.options.map(asOption).filter((o) => o.value !== '');
    if (current && !options.some((o) => o.value === current)) options.push({ value: current, label: f.keys ? current : `${current} (no data)` });
    const onchange = (e) => {
      const patch = f.keys ? Object.fromEntries(keys.map((k) => [k, new URLSearchParams(e.target.value).get(k)])) : { [f.key]: e.target.value };
      const dependents = Object.fromEntries((f.resets ?? []).map((k) => [k, null]));
      navigate(path, withParams(params, { ...dependents, ...patch, ...cleared }));
    };
    return h(
      'label',
      { class: 'filter' },
      h('span', null, f.label),
      h(
        'select',
        { name: f.key, 'data-filter': f.key, onchange },
        f.all === false ? null : h('option', { value: '' }, f.all ?? 'All'),
        options.map((o) => h('option', { value: o.value, selected: o.value === current }, o.label)),
      ),
    );
  });
  const filterKeys = fields.filter((f) => f.all !== false).flatMap((f) => f.keys ?? [f.key]);
  const active = filterKeys.some((k) => params.has(k));
  return h(
    'div',
    { class: 'filters', role: 'search' },
    controls,
    active ? h('a', { class: 'clear', href: href(path, withParams(params, { ...Object.fromEntries(filterKeys.map((k) => [k, null])), ...cleared })) }, 'Clear filters') : null,
  );
}

const natural = new Intl.Collator('en', { numeric: true });

/** Distinct non-empty values of one field in natural order (v2 before v10). */
export function distinct(rows, pick) {
  return [...new Set(rows.map(pick).filter((v) => v !== null && v !== undefined && v !== ''))].sort((a, b) => natural.compare(String(a), String(b)));
}
