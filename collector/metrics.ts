/** A small Prometheus text-format registry: counters, gauges read on scrape, histograms. */

type Labels = Record<string, string>;

const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function labelKey(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

class Counter {
  private readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = labelKey(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.values.size === 0) lines.push(`${this.name} 0`);
    for (const [k, v] of this.values) lines.push(`${this.name}${k} ${v}`);
    return lines.join('\n');
  }
}

class Histogram {
  private readonly counts = new Map<string, { buckets: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string) {}
  observe(seconds: number, labels: Labels = {}): void {
    const k = labelKey(labels);
    let h = this.counts.get(k);
    if (!h) {
      h = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.counts.set(k, h);
    }
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) h.buckets[i] = (h.buckets[i] ?? 0) + 1;
    });
    h.sum += seconds;
    h.count += 1;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [k, h] of this.counts) {
      const inner = k.slice(1, -1);
      const withLe = (le: string) => `{${inner ? `${inner},` : ''}le="${le}"}`;
      BUCKETS.forEach((b, i) => {
        lines.push(`${this.name}_bucket${withLe(String(b))} ${h.buckets[i]}`);
      });
      lines.push(`${this.name}_bucket${withLe('+Inf')} ${h.count}`);
      lines.push(`${this.name}_sum${k} ${h.sum}`, `${this.name}_count${k} ${h.count}`);
    }
    return lines.join('\n');
  }
}

export class Metrics {
  readonly requests = new Counter('evaltrace_http_requests_total', 'HTTP requests by route and status');
  readonly grpcRequests = new Counter('evaltrace_grpc_requests_total', 'OTLP/gRPC export calls by method and status code');
  readonly spansAccepted = new Counter('evaltrace_spans_accepted_total', 'Spans written to the store');
  readonly spansRejected = new Counter('evaltrace_spans_rejected_total', 'Spans rejected via partial_success');
  readonly spansDeduplicated = new Counter('evaltrace_spans_deduplicated_total', 'Spans dropped as already stored (retries, re-sends)');
  readonly evaluationsAccepted = new Counter('evaltrace_evaluations_accepted_total', 'Evaluations received');
  readonly evaluationsDeduplicated = new Counter('evaltrace_evaluations_deduplicated_total', 'Evaluations dropped as already stored');
  readonly logsIgnored = new Counter('evaltrace_log_records_ignored_total', 'Log records that are not evaluation events');
  readonly bytesReceived = new Counter('evaltrace_received_bytes_total', 'Request body bytes received on /v1/* and OTLP/gRPC');
  readonly truncations = new Counter('evaltrace_truncations_total', 'Attribute values truncated or dropped at limits');
  readonly requestSeconds = new Histogram('evaltrace_http_request_duration_seconds', 'Request latency');
  readonly storeWriteSeconds = new Histogram('evaltrace_store_write_duration_seconds', 'Store insert latency');
  readonly compactions = new Counter('evaltrace_compactions_total', 'Generations of compacted trace summaries written');
  readonly compactionSeconds = new Histogram('evaltrace_compaction_duration_seconds', 'Time to write one generation of compacted trace summaries');
  private readonly gauges: Array<{ name: string; help: string; read: () => number }> = [];

  gauge(name: string, help: string, read: () => number): void {
    this.gauges.push({ name, help, read });
  }

  render(): string {
    const parts = [
      this.requests,
      this.grpcRequests,
      this.spansAccepted,
      this.spansRejected,
      this.spansDeduplicated,
      this.evaluationsAccepted,
      this.evaluationsDeduplicated,
      this.logsIgnored,
      this.bytesReceived,
      this.truncations,
      this.requestSeconds,
      this.storeWriteSeconds,
      this.compactions,
      this.compactionSeconds,
    ].map((m) => m.render());
    for (const g of this.gauges) parts.push(`# HELP ${g.name} ${g.help}\n# TYPE ${g.name} gauge\n${g.name} ${g.read()}`);
    return `${parts.join('\n')}\n`;
  }
}
