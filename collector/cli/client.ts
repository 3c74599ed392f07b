/** HTTP client of the CLI: the collector's query API, Bearer key, errors a person can act on. */

/** An error the CLI reports in one line and exits with `exitCode` (1: the request failed, 2: bad usage). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export type Query = Record<string, string | undefined>;

const TIMEOUT_MS = 120_000;

const NETWORK_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'connection timed out',
};

export class Client {
  readonly baseUrl: URL;

  constructor(
    url: string,
    private readonly apiKey: string | undefined,
  ) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new CliError(`--url "${url}" is not a URL (example: http://127.0.0.1:4318)`, 2);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new CliError(`--url "${url}" must be an http:// or https:// URL`, 2);
    }
    this.baseUrl = parsed;
  }

  async json<T>(path: string, query: Query = {}): Promise<T> {
    return (await this.send('GET', path, query)).json() as Promise<T>;
  }

  async text(path: string, query: Query = {}): Promise<string> {
    return (await this.send('GET', path, query)).text();
  }

  /** POSTs a JSON body and returns the JSON answer; failures are CliErrors, as for GET. */
  async post<T>(path: string, body: unknown): Promise<T> {
    return this.upload<T>(path, JSON.stringify(body), 'application/json');
  }

  /** POSTs a body as it is, of the given content type (a dataset file, say), and returns the JSON answer. */
  async upload<T>(path: string, body: string, contentType: string, query: Query = {}): Promise<T> {
    return (await this.send('POST', path, query, { body, contentType })).json() as Promise<T>;
  }

  private async send(method: 'GET' | 'POST', path: string, query: Query, content?: { body: string; contentType: string }): Promise<Response> {
    const url = new URL(path, this.baseUrl);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (content) headers['content-type'] = content.contentType;
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body: content?.body, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (err) {
      throw new CliError(`cannot reach the collector at ${this.baseUrl.origin}: ${networkReason(err)} (start it with "npm start", or point --url / EVALTRACE_URL at it)`);
    }
    if (res.ok) return res;
    throw new CliError(await errorMessage(res));
  }
}

function networkReason(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code && NETWORK_CAUSES[cause.code]) return NETWORK_CAUSES[cause.code]!;
  return cause?.message ?? (err as Error)?.message ?? String(err);
}

async function errorMessage(res: Response): Promise<string> {
  const text = await res.text();
  let detail = text.slice(0, 500) || res.statusText;
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error?.message) detail = `${body.error.message} (${body.error.code ?? 'error'})`;
  } catch {
    // Not JSON (a proxy's page, say): the text itself is the best message there is.
  }
  const hint = res.status === 401 ? '; pass --api-key or set EVALTRACE_API_KEY' : '';
  return `the collector answered ${res.status}: ${detail}${hint}`;
}
