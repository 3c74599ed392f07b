import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type InitOptions, type Telemetry, init } from '../../../src/index.js';

export interface TestTelemetry {
  handle: Telemetry;
  exporter: InMemorySpanExporter;
  /** Flushes until at least `count` spans (matching `name`, if given) are exported; returns them. */
  spans(count?: number, name?: string | RegExp): Promise<ReadableSpan[]>;
  /** Drops every span finished so far, exported or still queued. */
  reset(): Promise<void>;
  shutdown(): Promise<void>;
}

/** init() as an app calls it, exporting into memory instead of to a collector. */
export function initInMemory(options: Omit<InitOptions, 'exporter'> = {}): TestTelemetry {
  const exporter = new InMemorySpanExporter();
  const handle = init({ ...options, exporter });
  const matches = (s: ReadableSpan, name?: string | RegExp) =>
    name === undefined || (typeof name === 'string' ? s.name === name : name.test(s.name));
  return {
    handle,
    exporter,
    async spans(count = 0, name) {
      const deadline = Date.now() + 5000;
      for (;;) {
        await handle.flush();
        const found = exporter.getFinishedSpans().filter((s) => matches(s, name));
        if (found.length >= count || Date.now() > deadline) return found;
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async reset() {
      await handle.flush();
      exporter.reset();
    },
    shutdown: () => handle.shutdown(),
  };
}

/**
 * initInMemory() for a whole test file: set up before its first test, shut
 * down after its last, spans dropped between tests. The handle it returns
 * forwards to that telemetry, so a file declares it once at the top.
 */
export function useTelemetry(options: Omit<InitOptions, 'exporter'> = {}): TestTelemetry {
  let otel: TestTelemetry | undefined;
  const current = () => {
    if (!otel) throw new Error('useTelemetry(): read before the file started');
    return otel;
  };
  beforeAll(() => {
    otel = initInMemory(options);
  });
  afterAll(() => current().shutdown());
  beforeEach(() => current().reset());
  return {
    get handle() {
      return current().handle;
    },
    get exporter() {
      return current().exporter;
    },
    spans: (count, name) => current().spans(count, name),
    reset: () => current().reset(),
    shutdown: () => current().shutdown(),
  };
}

export const attrs = (s: ReadableSpan) => s.attributes;

export function only<T>(items: T[]): T {
  if (items.length !== 1) throw new Error(`expected exactly one, got ${items.length}`);
  return items[0] as T;
}
