/**
 * Fetches from the collector's /api. When the collector has API keys and a
 * call answers 401, the page asks for a key once (however many calls were
 * waiting), keeps it in sessionStorage for this tab, and retries with
 * `Authorization: Bearer <key>`.
 */
const STORAGE_KEY = 'evaltrace.api_key';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let pendingKey = null;

export function storedKey() {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function forgetKey() {
  sessionStorage.removeItem(STORAGE_KEY);
}

export async function api(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  return request(`${path}${q.size ? `?${q}` : ''}`, {});
}

/** POSTs `body` as JSON (e.g. an annotation); the answer's JSON, or an ApiError with the collector's message. */
export function postJson(path, body) {
  return request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
}

async function request(url, init) {
  for (;;) {
    const key = storedKey();
    const headers = { ...(init.headers ?? {}), ...(key ? { authorization: `Bearer ${key}` } : {}) };
    const res = await fetch(url, { ...init, headers, cache: 'no-store' });
    if (res.status === 401) {
      await askForKey(key !== null);
      continue;
    }
    const body = await res.json().catch(() => null);
    if (!res.ok) throw new ApiError(res.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `HTTP ${res.status}`);
    return body;
  }
}

/** Resolves once a key is entered; rejects with a 401 ApiError if the reader dismisses the dialog. */
function askForKey(rejected) {
  pendingKey ??= new Promise((resolve, reject) => {
    const dialog = /** @type {HTMLDialogElement} */ (document.getElementById('key-dialog'));
    const form = dialog.querySelector('form');
    const input = dialog.querySelector('input');
    /** @type {HTMLElement} */ (dialog.querySelector('.key-error')).hidden = !rejected;
    input.value = '';
    const finish = (key) => {
      form.removeEventListener('submit', onSubmit);
      dialog.removeEventListener('close', onClose);
      if (dialog.open) dialog.close();
      pendingKey = null;
      if (key) {
        sessionStorage.setItem(STORAGE_KEY, key);
        resolve();
      } else reject(new ApiError(401, 'unauthorized', 'This collector needs an API key.'));
    };
    const onSubmit = (e) => {
      e.preventDefault();
      finish(input.value.trim() || null);
    };
    const onClose = () => finish(null);
    form.addEventListener('submit', onSubmit);
    dialog.addEventListener('close', onClose);
    dialog.showModal();
    input.focus();
  });
  return pendingKey;
}
