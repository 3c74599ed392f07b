import type { IngestResult } from '../ingest/service.js';
import { ExportLogsServiceResponse, ExportTraceServiceResponse } from './proto.js';

export type Signal = 'traces' | 'logs';

/** The Export*ServiceResponse of a request: empty when all was accepted, else partial_success with the count and reasons. */
export function exportResponse(signal: Signal, result: IngestResult): object {
  if (result.rejected === 0) return {};
  return {
    partialSuccess:
      signal === 'traces'
        ? { rejectedSpans: result.rejected, errorMessage: result.errorMessage }
        : { rejectedLogRecords: result.rejected, errorMessage: result.errorMessage },
  };
}

/** The same response as protobuf bytes. */
export function encodeExportResponse(signal: Signal, result: IngestResult): Uint8Array {
  const type = signal === 'traces' ? ExportTraceServiceResponse : ExportLogsServiceResponse;
  return type.encode(type.fromObject(exportResponse(signal, result))).finish();
}
