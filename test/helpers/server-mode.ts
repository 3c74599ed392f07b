import { type RunningCollector, type StartOptions, startCollector } from '../../collector/server.js';
import { type FakeClickHouse, startFakeClickHouse } from './clickhouse-http.js';

let shared: Promise<FakeClickHouse> | undefined;

/**
 * The test process's one ClickHouse HTTP test server (chdb holds one data
 * directory per process). It outlives collectors, so a collector restarted on
 * it sees the same data, as one restarted on the same embedded data directory does.
 */
export function sharedFakeClickHouse(): Promise<FakeClickHouse> {
  shared ??= startFakeClickHouse({ user: 'evaltrace', password: 'test-secret' });
  return shared;
}

/** The environment that puts the collector in server mode against `fake`. */
export function serverModeEnv(fake: FakeClickHouse, database = 'evaltrace'): NodeJS.ProcessEnv {
  return {
    EVALTRACE_CLICKHOUSE_URL: fake.url,
    EVALTRACE_CLICKHOUSE_USER: fake.user,
    EVALTRACE_CLICKHOUSE_PASSWORD: fake.password,
    EVALTRACE_CLICKHOUSE_DATABASE: database,
    EVALTRACE_CLICKHOUSE_TIMEOUT_MS: '10000',
    EVALTRACE_GRPC_PORT: 'off',
  };
}

/** A real collector on a random loopback port in server mode, over the shared test server. */
export async function startServerModeCollector(options: StartOptions = {}): Promise<RunningCollector> {
  const fake = await sharedFakeClickHouse();
  return startCollector({ port: 0, host: '127.0.0.1', ...options, env: { ...serverModeEnv(fake), ...options.env } });
}
