import { Metadata, status } from '@grpc/grpc-js';
import { DomainError } from '../errors.js';
import { StoreError } from '../store/errors.js';
import { RetryInfo, RpcStatus } from '../otlp/proto.js';

export interface GrpcFailure {
  code: status;
  details: string;
  metadata?: Metadata;
}

/**
 * A status that tells the exporter to come back after `seconds`, as the OTLP
 * spec asks of a server under load: exporters retry RESOURCE_EXHAUSTED only
 * when a RetryInfo comes with it (google.rpc.Status in grpc-status-details-bin).
 */
function retryLater(code: status, details: string, seconds: number): GrpcFailure {
  const retry = RetryInfo.encode(RetryInfo.fromObject({ retryDelay: { seconds } })).finish();
  const detail = RpcStatus.encode(
    RpcStatus.fromObject({ code, message: details, details: [{ typeUrl: 'type.googleapis.com/google.rpc.RetryInfo', value: retry }] }),
  ).finish();
  const metadata = new Metadata();
  metadata.set('grpc-status-details-bin', Buffer.from(detail));
  return { code, details, metadata };
}

/**
 * The gRPC status of what an export call threw, as the OTel Collector's
 * receiver answers: bad input INVALID_ARGUMENT (not retried), no key
 * UNAUTHENTICATED, too many calls in flight RESOURCE_EXHAUSTED and a full
 * queue or a failing store UNAVAILABLE, both with a retry delay.
 */
export function grpcFailure(err: unknown, onInternal: (err: unknown) => void): GrpcFailure {
  if (err instanceof DomainError) {
    if (err.kind === 'unauthenticated') return { code: status.UNAUTHENTICATED, details: err.message };
    if (err.kind === 'overloaded') return retryLater(status.RESOURCE_EXHAUSTED, err.message, err.retryAfterSeconds ?? 1);
    if (err.kind === 'unavailable') return retryLater(status.UNAVAILABLE, err.message, err.retryAfterSeconds ?? 1);
    return { code: status.INVALID_ARGUMENT, details: err.message };
  }
  if (err instanceof StoreError) {
    onInternal(err);
    return retryLater(status.UNAVAILABLE, 'the store could not complete the request; retry later', 2);
  }
  onInternal(err);
  return { code: status.INTERNAL, details: 'internal error' };
}
