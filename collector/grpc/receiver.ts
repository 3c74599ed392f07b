/**
 * OTLP/gRPC receiver (default port 4317, where Python and Go exporters send
 * by default): the TraceService and LogsService Export methods, with the
 * same ingest path, limits, keys and partial success as OTLP/HTTP. Requests
 * are decoded by the collector's own protobuf decoder, so grpc-js only
 * frames, decompresses (within the decompressed-size limit) and answers.
 */
import { type sendUnaryData, Server, type ServerUnaryCall, ServerCredentials, type ServiceDefinition, status } from '@grpc/grpc-js';
import type { Admission } from '../admission.js';
import { projectResolver } from '../auth.js';
import { DomainError } from '../errors.js';
import type { IngestResult, IngestService } from '../ingest/service.js';
import type { Metrics } from '../metrics.js';
import { encodeExportResponse, type Signal } from '../otlp/response.js';
import { grpcFailure } from './status.js';
import { log } from '../logger.js';

export const PATHS: Record<Signal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

/** A unary method that hands the raw message bytes to the handler and sends the handler's bytes back (a client's too). */
export const rawMethod = (path: string) => ({
  path,
  requestStream: false,
  responseStream: false,
  requestSerialize: (b: Buffer) => b,
  requestDeserialize: (b: Buffer) => b,
  responseSerialize: (b: Buffer) => b,
  responseDeserialize: (b: Buffer) => b,
});

export interface GrpcReceiverOptions {
  ingest: IngestService;
  metrics: Metrics;
  admission: Admission;
  apiKeys: Map<string, string> | null;
  host: string;
  port: number;
}

export interface GrpcReceiver {
  port: number;
  /** Stops taking calls and waits for those in flight (forcing them closed after `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

export async function startGrpcReceiver(o: GrpcReceiverOptions): Promise<GrpcReceiver> {
  const { ingest, metrics, admission } = o;
  const resolve = projectResolver(o.apiKeys);
  const server = new Server({
    // Checked on the message as received and again while inflating it: a compressed bomb stops at the limit.
    'grpc.max_receive_message_length': Math.max(ingest.limits.maxBodyBytes, ingest.limits.maxDecompressedBytes),
  });
  const logInternal = (err: unknown) => log.error(`error on OTLP/gRPC export: ${String((err as Error)?.message ?? err).slice(0, 500)}`);

  const handler =
    (signal: Signal, run: (body: Buffer, project: string) => Promise<IngestResult>) =>
    async (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
      const started = performance.now();
      let code = status.OK;
      try {
        const authorization = call.metadata.get('authorization')[0];
        const project = resolve(typeof authorization === 'string' ? authorization : undefined);
        if (project === null) throw new DomainError('unauthenticated', 'unauthorized', 'missing or invalid API key (metadata authorization: Bearer <key>)');
        admission.enter();
        try {
          metrics.bytesReceived.inc({ signal }, call.request.length);
          const result = await run(call.request, project);
          callback(null, Buffer.from(encodeExportResponse(signal, result)));
        } finally {
          admission.leave();
        }
      } catch (err) {
        const failure = grpcFailure(err, logInternal);
        code = failure.code;
        callback(failure);
      } finally {
        metrics.grpcRequests.inc({ method: PATHS[signal], code: status[code] ?? String(code) });
        metrics.requestSeconds.observe((performance.now() - started) / 1000, { route: PATHS[signal] });
      }
    };

  const service: ServiceDefinition = { Export: rawMethod(PATHS.traces) };
  server.addService(service, { Export: handler('traces', (b, p) => ingest.ingestTraces(b, 'protobuf', p)) });
  server.addService({ Export: rawMethod(PATHS.logs) }, { Export: handler('logs', (b, p) => ingest.ingestLogs(b, 'protobuf', p)) });

  const port = await new Promise<number>((done, fail) =>
    server.bindAsync(`${o.host.includes(':') ? `[${o.host}]` : o.host}:${o.port}`, ServerCredentials.createInsecure(), (err, bound) => (err ? fail(err) : done(bound))),
  );
  return {
    port,
    close: (graceMs = 10_000) =>
      new Promise<void>((done) => {
        const force = setTimeout(() => server.forceShutdown(), graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          done();
        });
      }),
  };
}
