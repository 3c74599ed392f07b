import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { startTestCollector } from '../helpers/collector.js';

describe('merge settings of the wide tables', () => {
  let c: RunningCollector;
  beforeAll(async () => {
    c = await startTestCollector();
  });
  afterAll(() => c.close());

  it('merges spans and evaluations column by column from the first row, which bounds merge memory', async () => {
    const tables = await c.store.query<{ name: string; engine_full: string }>(
      `SELECT name, engine_full FROM system.tables WHERE database = currentDatabase() AND name IN ('spans', 'evaluations') ORDER BY name`,
    );
    expect(tables.map((t) => t.name)).toEqual(['evaluations', 'spans']);
    for (const t of tables) expect(t.engine_full, t.name).toMatch(/vertical_merge_algorithm_min_rows_to_activate = 1\b/);
  });
});
