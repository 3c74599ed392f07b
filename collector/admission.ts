/**
 * Bounded in-flight ingest, shared by OTLP/HTTP and OTLP/gRPC: past the
 * limit a request is turned away at once (429 / RESOURCE_EXHAUSTED with a
 * retry delay) instead of queueing behind the store.
 */
export class Admission {
  private inflight = 0;

  constructor(readonly max: number) {}

  /** Counts one request in, or says it must wait; a request let in must `leave`. */
  tryEnter(): boolean {
    if (this.inflight >= this.max) return false;
    this.inflight += 1;
    return true;
  }

  leave(): void {
    this.inflight -= 1;
  }
}
