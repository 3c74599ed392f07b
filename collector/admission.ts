/**
 * Bounded in-flight ingest, shared by OTLP/HTTP and OTLP/gRPC: past the
 * limit a request is turned away at once (429 / RESOURCE_EXHAUSTED with a
 * retry delay) instead of queueing behind the store.
 */
import { DomainError } from './errors.js';

export class Admission {
  private inflight = 0;

  constructor(readonly max: number) {}

  /** Counts one request in, or throws the overloaded error both receivers answer with; a request let in must `leave`. */
  enter(): void {
    if (this.inflight >= this.max) throw new DomainError('overloaded', 'too_many_requests', 'too many ingest requests in flight, retry later', 1);
    this.inflight += 1;
  }

  leave(): void {
    this.inflight -= 1;
  }
}
