import { OpenAPIHono } from '@hono/zod-openapi';
import { Admission } from './admission.js';
import { type AppEnv, authenticate } from './auth.js';
import type { Config } from './config.js';
import { IngestService } from './ingest/service.js';
import { Metrics } from './metrics.js';
import { Compactor } from './compaction/compactor.js';
import { setMinimumN } from './stats/caution.js';
import { annotationRoutes } from './routes/annotations.js';
import { apiRoutes } from './routes/api.js';
import { promptRegistryRoutes } from './routes/prompt-registry.js';
import { datasetRoutes } from './routes/datasets.js';
import { gateRoutes } from './routes/gates.js';
import { serveOpenApi, validationHook } from './routes/openapi.js';
import { otlpRoutes } from './routes/otlp.js';
import { releaseRoutes } from './routes/releases.js';
import { runRoutes } from './routes/runs.js';
import { webRoutes } from './routes/web.js';
import { answerError, errorBody } from './routes/errors.js';
import { admit, requestMetrics } from './routes/middleware.js';
import type { Store } from './store/types.js';

export interface App {
  hono: OpenAPIHono<AppEnv>;
  ingest: IngestService;
  metrics: Metrics;
  /** Writes compacted trace summaries in the background once started (server.ts). */
  compactor: Compactor;
  /** The in-flight ingest bound that OTLP/HTTP and OTLP/gRPC share. */
  admission: Admission;
  /** Requests being served right now (for graceful shutdown and /metrics). */
  inflight(): number;
}

export function createApp(store: Store, config: Config): App {
  setMinimumN(config.minimumN);
  const metrics = new Metrics();
  const ingest = new IngestService(store, config.limits, metrics, config.maxPendingRows, config.commitLinger);
  const compactor = new Compactor(store, config.compaction, (c) => {
    metrics.compactions.inc();
    metrics.compactionSeconds.observe(c.seconds);
  });
  // OpenAPIHono: sub-apps built with createRoute join /openapi.json; their validation failures are 400s naming the parameter.
  const hono = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const admission = new Admission(config.maxInflightRequests);
  const requests = requestMetrics(metrics);
  metrics.gauge('evaltrace_pending_rows', 'Rows waiting for the next group commit', () => ingest.spans.pendingRows + ingest.evaluations.pendingRows);
  // Memory, so an operator can hold the collector to a bound (README, Benchmarks: memory); in embedded mode RSS includes ClickHouse.
  metrics.gauge('process_resident_memory_bytes', 'Resident set size of the collector process', () => process.memoryUsage.rss());
  metrics.gauge('nodejs_heap_size_used_bytes', 'V8 heap in use', () => process.memoryUsage().heapUsed);
  metrics.gauge('nodejs_heap_size_total_bytes', 'V8 heap reserved', () => process.memoryUsage().heapTotal);

  hono.use('*', requests.middleware);
  hono.get('/healthz', (c) => c.json({ status: 'ok' }));
  hono.get('/readyz', async (c) =>
    (await store.ping()) ? c.json({ status: 'ready', store: store.kind }) : c.json(errorBody('store_unreachable', 'the store does not answer'), 503),
  );
  hono.get('/metrics', (c) => c.text(metrics.render(), 200, { 'content-type': 'text/plain; version=0.0.4' }));

  hono.use('/v1/*', authenticate(config.apiKeys));
  hono.use('/api/*', authenticate(config.apiKeys));
  hono.use('/v1/*', admit(admission));
  hono.route('/', otlpRoutes(ingest, metrics));
  hono.route('/', apiRoutes(store));
  hono.route('/', gateRoutes(store));
  hono.route('/', releaseRoutes(store));
  hono.route('/', runRoutes(store));
  hono.route('/', datasetRoutes(store));
  hono.route('/', promptRegistryRoutes(store));
  hono.route('/', annotationRoutes(store, ingest));
  serveOpenApi(hono);
  hono.route('/', webRoutes());

  hono.notFound((c) => c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404));
  hono.onError(answerError);

  return { hono, ingest, metrics, compactor, admission, inflight: requests.inflight };
}
