import { ApiError, forgetKey, storedKey } from './api.js';
import { h } from './dom.js';
import { currentRoute, navigate } from './router.js';
import { alignmentView } from './views/alignment.js';
import { compareJudgesView } from './views/compare-judges.js';
import { comparePromptsView } from './views/compare-prompts.js';
import { compareRunsView } from './views/compare-runs.js';
import { datasetDiffView, datasetsView, datasetView } from './views/datasets.js';
import { labelView } from './views/label.js';
import { promptsView } from './views/prompts.js';
import { decisionsView, decisionView, releasesView, releaseView } from './views/releases.js';
import { runsView, runView } from './views/runs.js';
import { traceView } from './views/trace.js';
import { tracesView } from './views/traces.js';
import { triplesView } from './views/triples.js';

const ROUTES = [
  { pattern: /^\/triples$/, nav: 'triples', title: 'Triples', view: triplesView },
  { pattern: /^\/prompts$/, nav: 'prompts', title: 'Prompt versions', view: promptsView },
  { pattern: /^\/compare\/prompts$/, nav: 'compare-prompts', title: 'Compare prompts', view: comparePromptsView },
  { pattern: /^\/compare\/judges$/, nav: 'compare-judges', title: 'Compare judges', view: compareJudgesView },
  { pattern: /^\/alignment$/, nav: 'alignment', title: 'Judge alignment', view: alignmentView },
  { pattern: /^\/traces$/, nav: 'traces', title: 'Traces', view: tracesView },
  { pattern: /^\/traces\/([0-9a-fA-F]{32})$/, nav: 'traces', title: 'Trace', view: traceView },
  { pattern: /^\/runs$/, nav: 'runs', title: 'Runs', view: runsView },
  { pattern: /^\/runs\/([^/]+)$/, nav: 'runs', title: 'Run', view: runView },
  { pattern: /^\/compare\/runs$/, nav: 'compare-runs', title: 'Compare runs', view: compareRunsView },
  { pattern: /^\/label$/, nav: 'label', title: 'Label traces', view: labelView },
  { pattern: /^\/datasets$/, nav: 'datasets', title: 'Datasets', view: datasetsView },
  { pattern: /^\/datasets\/([^/]+)$/, nav: 'datasets', title: 'Dataset', view: datasetView },
  { pattern: /^\/datasets\/([^/]+)\/diff$/, nav: 'datasets', title: 'Dataset diff', view: datasetDiffView },
  { pattern: /^\/releases$/, nav: 'releases', title: 'Releases', view: releasesView },
  { pattern: /^\/releases\/([^/]+)$/, nav: 'releases', title: 'Release', view: releaseView },
  { pattern: /^\/gates$/, nav: 'gates', title: 'Gate decisions', view: decisionsView },
  { pattern: /^\/gates\/([^/]+)$/, nav: 'gates', title: 'Gate decision', view: decisionView },
];

const main = document.getElementById('view');
let renders = 0;
let shownPath = null;

function errorView(err) {
  const unauthorized = err instanceof ApiError && err.status === 401;
  return h(
    'div',
    { class: 'error-box', role: 'alert' },
    h('h2', null, unauthorized ? 'API key needed' : 'Could not load this page'),
    h('p', null, err instanceof Error ? err.message : String(err)),
    unauthorized ? h('button', { type: 'button', class: 'primary', onclick: () => render() }, 'Enter key') : null,
  );
}

/**
 * Renders the view for the current hash. `data-state` and `data-rendered`
 * on <main> tell a reader (and the browser tests) which URL is on screen and
 * whether it finished loading; an older render that finishes late is dropped.
 */
async function render() {
  const token = ++renders;
  const { path, params } = currentRoute();
  const route = ROUTES.find((r) => r.pattern.test(path));
  if (!route) {
    navigate('/triples', {});
    return;
  }
  const args = path.match(route.pattern).slice(1);
  main.dataset.state = 'loading';
  main.dataset.route = route.nav;
  main.setAttribute('aria-busy', 'true');
  for (const a of document.querySelectorAll('a[data-nav]')) a.classList.toggle('active', /** @type {HTMLAnchorElement} */ (a).dataset.nav === route.nav);
  document.title = `${route.title} · evaltrace`;
  let node;
  let state = 'ready';
  try {
    node = await route.view({ path, params, args });
  } catch (err) {
    node = errorView(err);
    state = 'error';
  }
  if (token !== renders) return;
  main.replaceChildren(node);
  // A new page starts at the top; a filter or sort change keeps the reader's place.
  if (path !== shownPath) window.scrollTo(0, 0);
  shownPath = path;
  main.dataset.state = state;
  main.dataset.rendered = location.hash;
  main.removeAttribute('aria-busy');
  document.getElementById('forget-key').hidden = storedKey() === null;
}

document.getElementById('forget-key').addEventListener('click', () => {
  forgetKey();
  render();
});
window.addEventListener('hashchange', render);
render();
