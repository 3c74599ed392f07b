import { OpenAPIHono } from '@hono/zod-openapi';
import { Admission } from './admission.js';
import { HTTPException } from 'hono/http-exception';
import { type AppEnv, authenticate } from './auth.js';
import type { Config } from './config.js';
import { DomainError } from './errors.js';
import { HTTP_STATUS } from './routes/http-status.js';
import { StoreError } from './store/errors.js';
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
import type { Store } from './store/types.js';
import { log } from './logger.js';

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

function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

export function createApp(store: Store, config: Config): App {
  setMinimumN(config.minimumN);
  const metrics = new Metrics();
  const ingest = new IngestService(store, config.limits, metrics, config.maxPendingRows);
  const compactor = new Compactor(store, config.compaction, (c) => {
    metrics.compactions.inc();
    metrics.compactionSeconds.observe(c.seconds);
  });
  // OpenAPIHono: sub-apps built with createRoute join /openapi.json; their validation failures are 400s naming the parameter.
  const hono = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  let inflight = 0;
  const admission = new Admission(config.maxInflightRequests);
  metrics.gauge('evaltrace_inflight_requests', 'Requests being served', () => inflight);
  metrics.gauge('evaltrace_pending_rows', 'Rows waiting for the next group commit', () => ingest.spans.pendingRows + ingest.evaluations.pendingRows);
  // Memory, so an operator can hold the collector to a bound (README, Benchmarks: memory); in embedded mode RSS includes ClickHouse.
  metrics.gauge('process_resident_memory_bytes', 'Resident set size of the collector process', () => process.memoryUsage.rss());
  metrics.gauge('nodejs_heap_size_used_bytes', 'V8 heap in use', () => process.memoryUsage().heapUsed);
  metrics.gauge('nodejs_heap_size_total_bytes', 'V8 heap reserved', () => process.memoryUsage().heapTotal);

  hono.use('*', async (c, next) => {
    const started = performance.now();
    inflight += 1;
    try {
      await next();
    } finally {
      inflight -= 1;
      const route = c.req.routePath || 'unmatched';
      metrics.requests.inc({ route, status: String(c.res.status) });
      metrics.requestSeconds.observe((performance.now() - started) / 1000, { route });
    }
  });

  hono.get('/healthz', (c) => c.json({ status: 'ok' }));
  hono.get('/readyz', async (c) =>
    (await store.ping()) ? c.json({ status: 'ready', store: store.kind }) : c.json(errorBody('store_unreachable', 'the store does not answer'), 503),
  );
  hono.get('/metrics', (c) => c.text(metrics.render(), 200, { 'content-type': 'text/plain; version=0.0.4' }));

  hono.use('/v1/*', authenticate(config.apiKeys));
  hono.use('/api/*', authenticate(config.apiKeys));
  // Bounded in-flight ingest: past the limit exporters get a 429 they retry after Retry-After.
  hono.use('/v1/*', async (_c, next) => {
    if (!admission.tryEnter()) throw new DomainError('overloaded', 'too_many_requests', 'too many ingest requests in flight, retry later', 1);
    try {
      await next();
    } finally {
      admission.leave();
    }
  });
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
  hono.onError((err, c) => {
    if (err instanceof DomainError) {
      if (err.retryAfterSeconds !== undefined) c.header('Retry-After', String(err.retryAfterSeconds));
      return c.json(errorBody(err.code, err.message), HTTP_STATUS[err.kind]);
    }
    // Hono's body validators: a malformed JSON body (400) or a body that is not JSON (415).
    if (err instanceof HTTPException && err.status < 500) {
      if (err.status === 415) return c.json(errorBody('unsupported_media_type', 'the request body must be JSON, sent with Content-Type: application/json'), 415);
      return c.json(errorBody('invalid_request', `request body: ${err.message}`), err.status);
    }
    if (err instanceof StoreError) {
      log.error(`store error on ${c.req.method} ${c.req.path}: ${err.message.slice(0, 500)}`);
      c.header('Retry-After', '2');
      return c.json(errorBody('store_unavailable', 'the store could not complete the request; retry later'), 503);
    }
    log.error(`internal error on ${c.req.method} ${c.req.path}:`, err);
    return c.json(errorBody('internal', 'internal error'), 500);
  });

  return { hono, ingest, metrics, compactor, admission, inflight: () => inflight };
}
