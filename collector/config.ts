import { z } from 'zod';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import { type CompactionPolicy, DEFAULT_COMPACTION } from './compaction/policy.js';
import { DEFAULT_MIN_N, type MinimumN } from './stats/caution.js';
import type { StoreOptions } from './store/options.js';
import type { Linger } from './ingest/batcher.js';

const int = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4318),
  HOST: z.string().default('0.0.0.0'),
  EVALTRACE_DATA_DIR: z.string().min(1).default('./.evaltrace/data'),
  EVALTRACE_CLICKHOUSE_URL: z.string().url().optional(),
  EVALTRACE_CLICKHOUSE_USER: z.string().default('default'),
  EVALTRACE_CLICKHOUSE_PASSWORD: z.string().default(''),
  EVALTRACE_CLICKHOUSE_DATABASE: z.string().regex(/^\w+$/, 'letters, digits and _ only').default('default'),
  EVALTRACE_GRPC_PORT: z
    .union([z.literal('off'), z.coerce.number().int().min(0).max(65_535)])
    .optional()
    .describe('OTLP/gRPC port, or off'),
  EVALTRACE_CLICKHOUSE_TIMEOUT_MS: int(30_000),
  EVALTRACE_CLICKHOUSE_CLUSTER: z
    .string()
    .regex(/^[A-Za-z_][\w-]{0,127}$/, 'a cluster name from remote_servers: letters, digits, _ and -')
    .optional(),
  EVALTRACE_API_KEYS: z.string().optional(),
  EVALTRACE_MAX_BODY_BYTES: int(DEFAULT_LIMITS.maxBodyBytes),
  EVALTRACE_MAX_DECOMPRESSED_BYTES: int(DEFAULT_LIMITS.maxDecompressedBytes),
  EVALTRACE_MAX_SPANS_PER_REQUEST: int(DEFAULT_LIMITS.maxSpansPerRequest),
  EVALTRACE_MAX_ATTRIBUTES_PER_SPAN: int(DEFAULT_LIMITS.maxAttributesPerSpan),
  EVALTRACE_MAX_ATTRIBUTE_LENGTH: int(DEFAULT_LIMITS.maxAttributeValueLength),
  EVALTRACE_MAX_EXPLANATION_LENGTH: int(DEFAULT_LIMITS.maxExplanationLength),
  EVALTRACE_MAX_NAME_LENGTH: int(DEFAULT_LIMITS.maxNameLength),
  EVALTRACE_MAX_EVENTS_PER_SPAN: int(DEFAULT_LIMITS.maxEventsPerSpan),
  EVALTRACE_MAX_LINKS_PER_SPAN: int(DEFAULT_LIMITS.maxLinksPerSpan),
  EVALTRACE_MAX_PENDING_ROWS: int(200_000),
  EVALTRACE_MAX_INFLIGHT_REQUESTS: int(64),
  EVALTRACE_COMMIT_LINGER_MS: z.coerce.number().int().min(0).default(25),
  EVALTRACE_COMMIT_LINGER_ROWS: int(4_000),
  EVALTRACE_COMPACT_INTERVAL_MS: z.coerce.number().int().min(0).default(DEFAULT_COMPACTION.intervalMs),
  EVALTRACE_COLLECTOR_STALE_MS: int(DEFAULT_COMPACTION.staleMs),
  EVALTRACE_MIN_N_T: int(DEFAULT_MIN_N.t),
  EVALTRACE_MIN_N_BOOTSTRAP: int(DEFAULT_MIN_N.bootstrap),
});

export interface Config extends StoreOptions {
  port: number;
  host: string;
  /** key → project; null when auth is off (single open project "default"). */
  apiKeys: Map<string, string> | null;
  limits: Limits;
  maxPendingRows: number;
  /** How long a group commit may wait for more rows before inserting (ingest/batcher.ts). */
  commitLinger: Linger;
  maxInflightRequests: number;
  compaction: CompactionPolicy;
  /** OTLP/gRPC receiver; null: off. `required`: set explicitly, so a port in use stops the start; the default port only warns. */
  grpc: { port: number; required: boolean } | null;
  /** Below these numbers of items intervals are flagged low_n (stats/caution.ts). */
  minimumN: MinimumN;
}

/** Where OTLP/gRPC exporters send by default. */
export const DEFAULT_GRPC_PORT = 4317;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseApiKeys(spec: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const entry of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const i = entry.lastIndexOf(':');
    const key = i > 0 ? entry.slice(0, i) : '';
    const project = i > 0 ? entry.slice(i + 1) : '';
    if (!key || !/^[\w.-]{1,128}$/.test(project)) {
      throw new ConfigError('EVALTRACE_API_KEYS must be "key:project,key2:project2" (project: letters, digits, _ . -)');
    }
    keys.set(key, project);
  }
  if (keys.size === 0) throw new ConfigError('EVALTRACE_API_KEYS is set but names no key');
  return keys;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid configuration: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const e = parsed.data;
  if (e.EVALTRACE_CLICKHOUSE_CLUSTER && !e.EVALTRACE_CLICKHOUSE_URL) {
    throw new ConfigError('EVALTRACE_CLICKHOUSE_CLUSTER needs EVALTRACE_CLICKHOUSE_URL: the embedded store is one node');
  }
  if (e.EVALTRACE_CLICKHOUSE_URL && e.EVALTRACE_COLLECTOR_STALE_MS <= e.EVALTRACE_CLICKHOUSE_TIMEOUT_MS) {
    // A collector cannot beat while an insert is in flight: one that looked gone mid-insert would let the others compact past its rows.
    throw new ConfigError(
      `EVALTRACE_COLLECTOR_STALE_MS (${e.EVALTRACE_COLLECTOR_STALE_MS}) must be longer than EVALTRACE_CLICKHOUSE_TIMEOUT_MS (${e.EVALTRACE_CLICKHOUSE_TIMEOUT_MS})`,
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.EVALTRACE_DATA_DIR,
    clickhouse: e.EVALTRACE_CLICKHOUSE_URL
      ? {
          url: e.EVALTRACE_CLICKHOUSE_URL,
          user: e.EVALTRACE_CLICKHOUSE_USER,
          password: e.EVALTRACE_CLICKHOUSE_PASSWORD,
          database: e.EVALTRACE_CLICKHOUSE_DATABASE,
          timeoutMs: e.EVALTRACE_CLICKHOUSE_TIMEOUT_MS,
          ...(e.EVALTRACE_CLICKHOUSE_CLUSTER ? { cluster: e.EVALTRACE_CLICKHOUSE_CLUSTER } : {}),
        }
      : undefined,
    apiKeys: e.EVALTRACE_API_KEYS ? parseApiKeys(e.EVALTRACE_API_KEYS) : null,
    limits: {
      maxBodyBytes: e.EVALTRACE_MAX_BODY_BYTES,
      maxDecompressedBytes: e.EVALTRACE_MAX_DECOMPRESSED_BYTES,
      maxSpansPerRequest: e.EVALTRACE_MAX_SPANS_PER_REQUEST,
      maxAttributesPerSpan: e.EVALTRACE_MAX_ATTRIBUTES_PER_SPAN,
      maxAttributeValueLength: e.EVALTRACE_MAX_ATTRIBUTE_LENGTH,
      maxExplanationLength: e.EVALTRACE_MAX_EXPLANATION_LENGTH,
      maxNameLength: e.EVALTRACE_MAX_NAME_LENGTH,
      maxEventsPerSpan: e.EVALTRACE_MAX_EVENTS_PER_SPAN,
      maxLinksPerSpan: e.EVALTRACE_MAX_LINKS_PER_SPAN,
    },
    maxPendingRows: e.EVALTRACE_MAX_PENDING_ROWS,
    commitLinger: { ms: e.EVALTRACE_COMMIT_LINGER_MS, rows: e.EVALTRACE_COMMIT_LINGER_ROWS },
    maxInflightRequests: e.EVALTRACE_MAX_INFLIGHT_REQUESTS,
    minimumN: { t: e.EVALTRACE_MIN_N_T, bootstrap: e.EVALTRACE_MIN_N_BOOTSTRAP },
    grpc:
      e.EVALTRACE_GRPC_PORT === 'off' ? null : e.EVALTRACE_GRPC_PORT === undefined ? { port: DEFAULT_GRPC_PORT, required: false } : { port: e.EVALTRACE_GRPC_PORT, required: true },
    compaction: { ...DEFAULT_COMPACTION, intervalMs: e.EVALTRACE_COMPACT_INTERVAL_MS, staleMs: e.EVALTRACE_COLLECTOR_STALE_MS },
  };
}
