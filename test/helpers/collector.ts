import { type RunningCollector, type StartOptions, startCollector } from '../../collector/server.js';
import { tempDataDir } from './data-dir.js';
import { startServerModeCollector } from './server-mode.js';

/** A real collector on a random loopback port over embedded ClickHouse; env is isolated from the caller's. */
export function startTestCollector(options: StartOptions = {}): Promise<RunningCollector> {
  // EVALTRACE_TEST_STORE=server runs the same suites on the server driver, against the ClickHouse HTTP test server over chdb.
  if (process.env.EVALTRACE_TEST_STORE === 'server') return startServerModeCollector(options);
  return startCollector({ dataDir: tempDataDir(), port: 0, host: '127.0.0.1', grpc: null, env: {}, ...options });
}

export async function getJson<T = any>(c: RunningCollector, path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(c.url + path, init);
  return { status: res.status, body: (await res.json()) as T };
}
