/**
 * Wire rules of ClickHouse's HTTP interface that the test server in
 * clickhouse-http.ts needs: how `param_*` values are escaped, which URL
 * parameters are not settings, and which HTTP status an exception code gets.
 * Transcribed from ClickHouse's source (src/Server/HTTPHandler.cpp,
 * src/Server/HTTP/exceptionCodeToHTTPStatus.cpp) and from what
 * @clickhouse/client sends (client-common/dist/data_formatter/format_query_params.js).
 */

/** URL parameters the server reads itself; every other one (except param_*) is a setting. */
export const RESERVED_URL_PARAMS = new Set([
  'query',
  'database',
  'default_format',
  'query_id',
  'session_id',
  'session_timeout',
  'session_check',
  'user',
  'password',
  'quota_key',
  'stacktrace',
  'role',
  'buffer_size',
  'wait_end_of_query',
  'compress',
  'decompress',
  'client_protocol_version',
  'close_session',
]);

/** exceptionCodeToHTTPStatus.cpp, keyed by the exception name the engine prints in its message. */
const STATUS_BY_NAME: Record<string, number> = {
  REQUIRED_PASSWORD: 401,
  ...Object.fromEntries(
    ['UNKNOWN_USER', 'WRONG_PASSWORD', 'AUTHENTICATION_FAILED', 'SET_NON_GRANTED_ROLE', 'ACCESS_DENIED'].map((n) => [n, 403]),
  ),
  ...Object.fromEntries(
    [
      'BAD_ARGUMENTS', 'CANNOT_COMPILE_REGEXP', 'CANNOT_PARSE_TEXT', 'CANNOT_PARSE_ESCAPE_SEQUENCE',
      'CANNOT_PARSE_QUOTED_STRING', 'CANNOT_PARSE_DATE', 'CANNOT_PARSE_DATETIME', 'CANNOT_PARSE_NUMBER',
      'CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING', 'CANNOT_PARSE_IPV4', 'CANNOT_PARSE_IPV6',
      'CANNOT_PARSE_INPUT_ASSERTION_FAILED', 'CANNOT_PARSE_UUID', 'DUPLICATE_COLUMN', 'ILLEGAL_COLUMN',
      'UNKNOWN_ELEMENT_IN_AST', 'UNKNOWN_TYPE_OF_AST_NODE', 'THERE_IS_NO_COLUMN', 'TOO_DEEP_AST', 'TOO_BIG_AST',
      'UNEXPECTED_AST_STRUCTURE', 'SYNTAX_ERROR', 'INCORRECT_DATA', 'TYPE_MISMATCH', 'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE',
    ].map((n) => [n, 400]),
  ),
  ...Object.fromEntries(
    [
      'UNKNOWN_TABLE', 'UNKNOWN_FUNCTION', 'UNKNOWN_IDENTIFIER', 'UNKNOWN_TYPE', 'UNKNOWN_STORAGE', 'UNKNOWN_DATABASE',
      'UNKNOWN_SETTING', 'UNKNOWN_DIRECTION_OF_SORTING', 'UNKNOWN_AGGREGATE_FUNCTION', 'UNKNOWN_FORMAT',
      'UNKNOWN_DATABASE_ENGINE', 'UNKNOWN_TYPE_OF_QUERY', 'UNKNOWN_ROLE',
    ].map((n) => [n, 404]),
  ),
  QUERY_IS_TOO_LARGE: 413,
  NOT_IMPLEMENTED: 501,
  SOCKET_TIMEOUT: 503,
  CANNOT_OPEN_FILE: 503,
  HTTP_LENGTH_REQUIRED: 411,
  TIMEOUT_EXCEEDED: 408,
  CANNOT_SCHEDULE_TASK: 503,
  UNSUPPORTED_MEDIA_TYPE: 415,
};

export function httpStatusOf(type: string): number {
  return STATUS_BY_NAME[type] ?? 500;
}

/** An exception worded as the engine words it: `Code: 62. DB::Exception: Syntax error ... (SYNTAX_ERROR)`. */
export class ServerException extends Error {
  constructor(
    readonly code: number,
    readonly type: string,
    text: string,
    wholeMessage?: string,
  ) {
    super(wholeMessage ?? `Code: ${code}. DB::Exception: ${text}. (${type})`);
  }
}

/** Reads code and type back out of an engine error; other shapes become STD_EXCEPTION. */
export function toServerException(err: unknown): ServerException {
  if (err instanceof ServerException) return err;
  const message = err instanceof Error ? err.message : String(err);
  const m = /^Code: (\d+)\..*\(([A-Z0-9_]+)\)\s*$/s.exec(message);
  return m ? new ServerException(Number(m[1]), m[2]!, '', message) : new ServerException(1001, 'STD_EXCEPTION', message);
}

const TSV_SPECIAL = /[\\\0\b\f\n\r\t]/;
const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '0': '\0' };

/** ClickHouse's readEscapedString: `\n`-style escapes, `\xHH`, and a backslash before any other character drops. */
function unescapeTsv(raw: string): string {
  return raw.replace(/\\(x[0-9a-fA-F]{2}|[\s\S])/g, (_, e: string) =>
    e.length === 3 ? String.fromCharCode(parseInt(e.slice(1), 16)) : (ESCAPES[e] ?? e),
  );
}

/** The declared type of `{name:Type}` in the query text, if the query names the parameter. */
function declaredType(sql: string, name: string): string | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\{\\s*${escaped}\\s*:\\s*([^}]+?)\\s*\\}`).exec(sql)?.[1];
}

const STRING_TYPE = /^(?:(?:Nullable|LowCardinality)\()*(?:String|FixedString\(\d+\))\)*$/;

/**
 * The value to hand chdb's queryBindAsync so that the engine parses the same
 * bytes the server would have parsed from `param_<name>=raw`. chdb re-escapes
 * a JS string with TSV rules before the engine reads it with TSV rules, so:
 * raw text with nothing TSV-special passes verbatim (byte-exact); `\N` is the
 * null marker, which chdb emits for null; a string-typed value is unescaped
 * first (escape and unescape are inverse, so the engine reads the same string).
 * Anything else cannot be forwarded exactly and is refused, not approximated.
 */
export function chdbParamValue(sql: string, name: string, raw: string): string | null {
  if (raw === '\\N') return null;
  if (!TSV_SPECIAL.test(raw)) return raw;
  const type = declaredType(sql, name);
  if (type !== undefined && STRING_TYPE.test(type)) return unescapeTsv(raw);
  throw new ServerException(
    48,
    'NOT_IMPLEMENTED',
    `test server: cannot forward escaped value of parameter ${name} (${type ?? 'unused'}) byte-exactly to chdb`,
  );
}

/** A setting value as a SQL string literal; the engine converts it to the setting's type, as the server does with URL values. */
export function settingLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
