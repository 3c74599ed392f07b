import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../collector/config.js';

describe('collector configuration for several collectors on one ClickHouse', () => {
  const server = { EVALTRACE_CLICKHOUSE_URL: 'http://clickhouse:8123' };

  it('takes how long a silent collector holds the others’ compaction back from EVALTRACE_COLLECTOR_STALE_MS', () => {
    expect(loadConfig({ ...server, EVALTRACE_COLLECTOR_STALE_MS: '60000' }).compaction.staleMs).toBe(60_000);
    expect(loadConfig(server).compaction.staleMs).toBeGreaterThan(loadConfig(server).clickhouse!.timeoutMs);
  });

  it('refuses a stale time no longer than an insert may take, since a collector mid-insert cannot beat', () => {
    expect(() => loadConfig({ ...server, EVALTRACE_COLLECTOR_STALE_MS: '5000', EVALTRACE_CLICKHOUSE_TIMEOUT_MS: '5000' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...server, EVALTRACE_COLLECTOR_STALE_MS: '5000', EVALTRACE_CLICKHOUSE_TIMEOUT_MS: '5000' })).toThrow(
      /EVALTRACE_COLLECTOR_STALE_MS \(5000\) must be longer than EVALTRACE_CLICKHOUSE_TIMEOUT_MS \(5000\)/,
    );
    expect(loadConfig({ EVALTRACE_COLLECTOR_STALE_MS: '5000' }).compaction.staleMs).toBe(5000);
  });
});
