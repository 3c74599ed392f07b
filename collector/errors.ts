/**
 * Typed domain errors: what went wrong in the domain's words (a kind and a
 * stable code), with no transport in them. The edges map a kind to their own
 * status codes in one place each: HTTP in routes/http-status.ts, gRPC in
 * grpc/status.ts.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'overloaded'
  | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    /** Stable and machine-readable: the JSON error body's `code` (design.md). */
    readonly code: string,
    message: string,
    /** For overloaded and unavailable: when a retry may succeed. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = (message: string, code = 'bad_request') => new DomainError('invalid', code, message);
export const notFound = (message: string) => new DomainError('not_found', 'not_found', message);
