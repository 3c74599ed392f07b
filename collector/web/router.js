/** Hash routes: `#/path?query`. The query holds a view's filters, so every view is linkable. */
export function currentRoute() {
  const raw = location.hash.replace(/^#/, '') || '/triples';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  return { path, params: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}

/** A hash link; empty values are dropped so a cleared filter leaves the URL. */
export function href(path, params = {}) {
  const q = new URLSearchParams();
  const entries = params instanceof URLSearchParams ? params.entries() : Object.entries(params);
  for (const [k, v] of entries) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const qs = q.toString();
  return `#${path}${qs ? `?${qs}` : ''}`;
}

export function navigate(path, params) {
  location.hash = href(path, params).slice(1);
}

/** The current params with some changed (a null or '' value removes the key). */
export function withParams(params, patch) {
  const next = Object.fromEntries(params.entries());
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || v === undefined || v === '') delete next[k];
    else next[k] = String(v);
  }
  return next;
}

export const traceHref = (id) => `#/traces/${id}`;
