import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import { Session } from 'chdb';
import {
  chdbParamValue,
  httpStatusOf,
  RESERVED_URL_PARAMS,
  ServerException,
  settingLiteral,
  toServerException,
} from './clickhouse-wire.js';
import { asClusterOfOne, CLUSTER_OF_ONE_SETTINGS, UnknownCluster } from './cluster-of-one.js';

/**
 * A test server that speaks the part of ClickHouse's HTTP interface that
 * @clickhouse/client uses, with every statement executed by the real engine
 * (chdb) — no canned answers. What it does, as clickhouse-server does:
 * - `GET /ping` and a bare `GET /` answer `Ok.`;
 * - the query is the `query` URL parameter, the POST body, or both joined by
 *   a newline (INSERT ... FORMAT x in the URL, rows in the body);
 * - `Content-Encoding: gzip|deflate|br` request bodies are decompressed;
 * - credentials from Basic auth, X-ClickHouse-User/-Key or user/password are
 *   checked (516 AUTHENTICATION_FAILED, HTTP 403 otherwise);
 * - `database` / X-ClickHouse-Database, `default_format`, `param_*` bound by the
 *   engine, every other URL parameter applied as a setting; GET is readonly=2;
 * - errors: the status of exceptionCodeToHTTPStatus, `X-ClickHouse-Exception-Code`
 *   and the body `Code: N. DB::Exception: ... (NAME) (version V)`.
 * Each request runs on its own chdb connection (HTTP requests without a
 * session are stateless), so settings and USE never leak between requests.
 * Not supported: sessions (session_id), response compression, multipart bodies.
 * chdb holds one data directory per process: a test file that uses this
 * server must not also open an embedded store.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  /** The current database asked for (`database` parameter or X-ClickHouse-Database), '' for the default. */
  database: string;
  /** The statement as the engine received it (URL query and body joined). */
  query: string;
  params: Record<string, string>;
  settings: Record<string, string>;
}

export type InjectedFailure =
  /** A response that is not from ClickHouse, e.g. a proxy's 503 page. */
  | { kind: 'http'; status: number; body: string }
  /** A ClickHouse exception raised before the statement runs (e.g. 202 TOO_MANY_SIMULTANEOUS_QUERIES). */
  | { kind: 'exception'; code: number; type: string; text: string }
  /** The connection is dropped without an answer (the client sees a socket hang-up). */
  | { kind: 'reset' }
  /** The statement runs, then the connection drops before the answer: the client cannot know it ran. */
  | { kind: 'lost-answer' };

export interface FakeClickHouse {
  url: string;
  user: string;
  password: string;
  /** Every request to the query endpoint, in arrival order (pings are not recorded). */
  readonly requests: RecordedRequest[];
  /** The next `n` requests (of those whose statement matches `only`, if given) fail this way. */
  failNext(n: number, failure: InjectedFailure, only?: RegExp): void;
  /** Injected failures not yet used up. */
  pendingFailures(): number;
  close(): Promise<void>;
}

export interface FakeClickHouseOptions {
  user?: string;
  password?: string;
  dataDir?: string;
  /** Answers as a cluster of this name with one shard of one replica (cluster-of-one.ts). */
  clusterOfOne?: string;
}

const unzip: Record<string, (b: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

/**
 * Server defaults that chdb ships differently. clickhouse-server quotes 64-bit
 * integers in JSON unless asked not to; chdb does not. Applying the server's
 * default keeps a driver that forgets to ask from passing here and failing there.
 */
const SERVER_DEFAULTS: Record<string, string> = { output_format_json_quote_64bit_integers: '1' };

function onTheCluster(sql: string, cluster: string): string {
  try {
    return asClusterOfOne(sql, cluster);
  } catch (err) {
    if (err instanceof UnknownCluster) throw new ServerException(701, 'CLUSTER_DOESNT_EXIST', err.message);
    throw err;
  }
}

export async function startFakeClickHouse(options: FakeClickHouseOptions = {}): Promise<FakeClickHouse> {
  const user = options.user ?? 'default';
  const password = options.password ?? '';
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'evaltrace-fake-ch-'));
  // Holds the embedded engine open between requests; each request opens its own connection on it.
  const anchor = new Session(dataDir);
  const version = (await anchor.queryAsync('SELECT version()', { format: 'TabSeparatedRaw' })).text().trim();
  const requests: RecordedRequest[] = [];
  const failures: { failure: InjectedFailure; only?: RegExp }[] = [];

  function sendException(res: ServerResponse, e: ServerException, queryId: string): void {
    res.writeHead(httpStatusOf(e.type), {
      'Content-Type': 'text/plain; charset=UTF-8',
      'X-ClickHouse-Exception-Code': String(e.code),
      'X-ClickHouse-Query-Id': queryId,
    });
    res.end(`${e.message} (version ${version})\n`);
  }

  function credentials(req: IncomingMessage, url: URL): { user: string; password: string } {
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      return i < 0 ? { user: decoded, password: '' } : { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
    }
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    return {
      user: header('x-clickhouse-user') ?? url.searchParams.get('user') ?? 'default',
      password: header('x-clickhouse-key') ?? url.searchParams.get('password') ?? '',
    };
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const encoding = req.headers['content-encoding'];
    if (encoding === undefined || encoding === 'identity') return raw.toString('utf8');
    const decode = unzip[encoding];
    if (!decode) throw new ServerException(779, 'UNSUPPORTED_MEDIA_TYPE', `Unknown Content-Encoding: ${encoding}`);
    return (await decode(raw)).toString('utf8');
  }

  /** The statement, its parameters and settings, read the way the server reads them. */
  async function parse(req: IncomingMessage, url: URL): Promise<RecordedRequest> {
    const body = req.method === 'POST' ? await readBody(req) : '';
    const fromUrl = url.searchParams.get('query');
    const query = fromUrl !== null ? (body.length > 0 ? `${fromUrl}\n${body}` : fromUrl) : body;
    const params: Record<string, string> = {};
    const settings: Record<string, string> = {};
    for (const [key, value] of url.searchParams) {
      if (key.startsWith('param_')) params[key.slice('param_'.length)] = value;
      else if (!RESERVED_URL_PARAMS.has(key)) settings[key] = value;
    }
    if (req.method === 'GET') settings.readonly ??= '2';
    const header = req.headers['x-clickhouse-database'];
    const database = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('database') ?? '';
    return { method: req.method ?? '', path: url.pathname, database, query, params, settings };
  }

  async function execute(req: IncomingMessage, url: URL, r: RecordedRequest): Promise<{ text: string; summary: string; format: string }> {
    const given = credentials(req, url);
    if (given.user !== user || given.password !== password) {
      throw new ServerException(
        516,
        'AUTHENTICATION_FAILED',
        `${given.user}: Authentication failed: password is incorrect, or there is no user with such name`,
      );
    }
    if (url.searchParams.has('session_id')) {
      throw new ServerException(48, 'NOT_IMPLEMENTED', 'test server: HTTP sessions (session_id) are not supported');
    }
    if (r.query.trim() === '') throw new ServerException(62, 'SYNTAX_ERROR', 'Empty query');

    const connection = new Session(dataDir);
    try {
      const standIn = options.clusterOfOne === undefined ? {} : CLUSTER_OF_ONE_SETTINGS;
      for (const [name, value] of Object.entries({ ...SERVER_DEFAULTS, ...standIn, ...r.settings })) {
        if (!/^\w+$/.test(name)) throw new ServerException(115, 'UNKNOWN_SETTING', `Unknown setting '${name}'`);
        await connection.queryAsync(`SET ${name} = ${settingLiteral(value)}`);
      }
      if (r.database !== '') {
        await connection.queryAsync(`USE \`${r.database.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``);
      }
      const format = url.searchParams.get('default_format') ?? 'TabSeparated';
      const query = options.clusterOfOne === undefined ? r.query : onTheCluster(r.query, options.clusterOfOne);
      const bound = Object.fromEntries(Object.entries(r.params).map(([k, v]) => [k, chdbParamValue(query, k, v)]));
      const started = process.hrtime.bigint();
      const result =
        Object.keys(bound).length > 0
          ? await connection.queryBindAsync(query, bound, { format })
          : await connection.queryAsync(query, { format });
      const summary = JSON.stringify({
        result_rows: String(result.rowsRead),
        result_bytes: String(result.bytesRead),
        elapsed_ns: String(process.hrtime.bigint() - started),
      });
      const clause = /^\s*INSERT\b/i.test(r.query) ? null : /\bFORMAT\s+(\w+)\s*;?\s*$/i.exec(r.query);
      return { text: result.text(), summary, format: clause?.[1] ?? format };
    } finally {
      connection.close();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, queryId: string): Promise<void> {
    try {
      const recorded = await parse(req, url);
      requests.push(recorded);
      const i = failures.findIndex((f) => f.only === undefined || f.only.test(recorded.query));
      const failure = i < 0 ? undefined : failures.splice(i, 1)[0]!.failure;
      if (failure?.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (failure?.kind === 'http') {
        res.writeHead(failure.status, { 'Content-Type': 'text/html' }).end(failure.body);
        return;
      }
      if (failure?.kind === 'exception') throw new ServerException(failure.code, failure.type, failure.text);
      const { text, summary, format } = await execute(req, url, recorded);
      if (failure?.kind === 'lost-answer') {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, {
        'Content-Type': 'text/plain; charset=UTF-8',
        'X-ClickHouse-Query-Id': queryId,
        'X-ClickHouse-Format': format,
        'X-ClickHouse-Timezone': 'UTC',
        'X-ClickHouse-Summary': summary,
      });
      res.end(text);
    } catch (err) {
      sendException(res, toServerException(err), queryId);
    }
  }

  const server = createServer({ maxHeaderSize: 1024 * 1024 }, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const queryId = url.searchParams.get('query_id') ?? randomUUID();
    if (req.method === 'GET' && (url.pathname === '/ping' || (url.pathname === '/' && !url.searchParams.has('query')))) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8' }).end('Ok.\n');
      return;
    }
    if (url.pathname !== '/') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=UTF-8' }).end(`There is no handle ${url.pathname}\n`);
      return;
    }
    void handle(req, res, url, queryId);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    user,
    password,
    requests,
    failNext(n, failure, only) {
      for (let i = 0; i < n; i++) failures.push({ failure, only });
    },
    pendingFailures: () => failures.length,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      anchor.close();
    },
  };
}
