import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('benchmarks (quick mode)', () => {
  it('runs every benchmark end to end and prints its figures, so the scripts cannot rot', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick'], { encoding: 'utf8', timeout: 280_000 });
    expect(run.status, run.stderr).toBe(0);
    for (const bench of ['ingest', 'query', 'sdk', 'memory', 'storage']) expect(run.stdout).toMatch(new RegExp(`^\\| ${bench} \\|`, 'm'));
    expect(run.stdout).toMatch(/full path, OTLP protobuf/);
    expect(run.stdout).toMatch(/answers equal/);
    expect(run.stdout).toMatch(/added by evaltrace/);
  }, 300_000);
});
