/** The middlewares every request passes: request metrics with the in-flight count, and the ingest admission bound. */
import type { MiddlewareHandler } from 'hono';
import type { Admission } from '../admission.js';
import type { Metrics } from '../metrics.js';

/** Counts and times every request by route and status; `inflight()` is how many are being served (graceful shutdown, /metrics). */
export function requestMetrics(metrics: Metrics): { middleware: MiddlewareHandler; inflight: () => number } {
  let inflight = 0;
  metrics.gauge('evaltrace_inflight_requests', 'Requests being served', () => inflight);
  const middleware: MiddlewareHandler = async (c, next) => {
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
  };
  return { middleware, inflight: () => inflight };
}

/** Bounded in-flight ingest: past the limit exporters get a 429 they retry after Retry-After. */
export function admit(admission: Admission): MiddlewareHandler {
  return async (_c, next) => {
    admission.enter();
    try {
      await next();
    } finally {
      admission.leave();
    }
  };
}
