import { ClickHouseError } from '@clickhouse/client';

/**
 * How a failed ClickHouse request may be retried:
 * - `unsent`: ClickHouse never ran the statement (no connection, or the server
 *   refused it before starting), so any statement may be sent again;
 * - `ambiguous`: the statement may or may not have run (reset, timeout,
 *   gateway error), so only statements that are harmless to repeat are;
 * - `permanent`: sending it again gives the same answer (syntax, auth, schema).
 */
export type FailureKind = 'unsent' | 'ambiguous' | 'permanent';

/** Raised when a query starts, before it reads or writes anything. */
const REFUSED_AT_START = new Set([
  202, // TOO_MANY_SIMULTANEOUS_QUERIES
  242, // TABLE_IS_READ_ONLY (replica lost its Keeper session)
  252, // TOO_MANY_PARTS (insert throttled before the part is written)
  439, // CANNOT_SCHEDULE_TASK (server thread pool exhausted)
]);
const MAYBE_RAN = new Set([
  159, // TIMEOUT_EXCEEDED
  209, // SOCKET_TIMEOUT
  210, // NETWORK_ERROR
]);
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED']);
/**
 * @clickhouse/client turns a non-ClickHouse error response into a plain Error
 * carrying only the body, not the status; a proxy's or load balancer's
 * 502/503/504 page is recognised by its wording.
 */
const GATEWAY_PAGE =
  /\b50[234]\b|bad gateway|service (temporarily )?unavailable|gateway time-?out|no healthy upstream|upstream connect error/i;

export function classifyFailure(err: unknown): FailureKind {
  if (err instanceof ClickHouseError) {
    const code = Number(err.code);
    if (REFUSED_AT_START.has(code)) return 'unsent';
    return MAYBE_RAN.has(code) ? 'ambiguous' : 'permanent';
  }
  if (!(err instanceof Error)) return 'permanent';
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== undefined && NOT_CONNECTED.has(code)) return 'unsent';
  if (code !== undefined && CONNECTION_LOST.has(code)) return 'ambiguous';
  if (err.message === 'Timeout error.' || /socket hang up/i.test(err.message)) return 'ambiguous';
  return GATEWAY_PAGE.test(err.message.slice(0, 2000)) ? 'ambiguous' : 'permanent';
}

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** No retry starts once this much time has gone by since the first try (so a slow statement is not run again and again). */
  budgetMs: number;
}

export const DEFAULT_RETRY: Omit<RetryPolicy, 'budgetMs'> = { attempts: 5, baseDelayMs: 100, maxDelayMs: 3_000 };

/** Exponential backoff with full jitter: uniform in [0, min(max, base·2^retry)). */
export function backoffMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry));
}

export interface RetryEvent {
  attempt: number;
  delayMs: number;
  kind: FailureKind;
  error: unknown;
}

export class RetriesExhausted extends Error {
  constructor(
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    super(`gave up after ${attempts} attempts`, { cause: lastError });
  }
}

/**
 * Runs `op` until it succeeds, a failure that `retryable` rejects, or the
 * policy's attempts or time budget are used up; then throws the last error
 * (wrapped in RetriesExhausted when more than one attempt was made).
 */
export async function withRetry<T>(
  op: () => Promise<T>,
  retryable: (kind: FailureKind) => boolean,
  policy: RetryPolicy,
  onRetry: (e: RetryEvent) => void,
): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      const kind = classifyFailure(err);
      if (!retryable(kind)) throw err;
      const delayMs = backoffMs(policy, attempt - 1);
      if (attempt >= policy.attempts || Date.now() - started + delayMs >= policy.budgetMs) {
        throw attempt > 1 ? new RetriesExhausted(attempt, err) : err;
      }
      onRetry({ attempt, delayMs, kind, error: err });
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}
