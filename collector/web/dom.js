const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Builds an HTML element. Attributes: `on<event>` adds a listener, `style`
 * (an object) goes through the CSSOM (inline style attributes are refused by
 * the page's Content-Security-Policy), `dataset` sets data-*; null, undefined
 * and false are skipped. Children: nodes, strings, numbers, arrays, or null.
 * Text always goes in as text nodes, never as HTML.
 */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** Builds an SVG element, same conventions as h(). */
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'style') Object.assign(el.style, v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** A titled panel: the building block of every page. */
export function card(title, ...children) {
  return h('section', { class: 'card' }, title ? h('h2', null, title) : null, ...children);
}

/** The page heading with an optional one-line explanation. */
export function pageHeader(title, subtitle, ...extra) {
  return h('header', { class: 'page-header' }, h('h1', null, title), subtitle ? h('p', { class: 'subtitle' }, subtitle) : null, ...extra);
}

export function empty(message) {
  return h('p', { class: 'empty' }, message);
}
