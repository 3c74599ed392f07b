import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh data directory; in a module of its own so that callers need not load chdb (bench/memory.ts must not). */
export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'evaltrace-test-'));
}
