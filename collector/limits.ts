/** Ingest limits; each has a default and an env override (see README "Configuration"). */
export interface Limits {
  /** Request body as sent (compressed or not). */
  maxBodyBytes: number;
  /** Body after gzip decompression, checked while decompressing. */
  maxDecompressedBytes: number;
  maxSpansPerRequest: number;
  maxAttributesPerSpan: number;
  maxAttributeValueLength: number;
  maxExplanationLength: number;
  /** Characters of a span's or event's name. */
  maxNameLength: number;
  /** Events and links stored per span; evaluation events beyond them still become evaluations. */
  maxEventsPerSpan: number;
  maxLinksPerSpan: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxBodyBytes: 8 * 1024 * 1024,
  maxDecompressedBytes: 8 * 1024 * 1024,
  maxSpansPerRequest: 50_000,
  maxAttributesPerSpan: 256,
  maxAttributeValueLength: 64 * 1024,
  maxExplanationLength: 16 * 1024,
  maxNameLength: 1024,
  maxEventsPerSpan: 128,
  maxLinksPerSpan: 128,
};
