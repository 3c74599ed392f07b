#!/usr/bin/env node
// The evaltrace CLI. The sources are TypeScript, run through tsx (a runtime dependency).
import { register } from 'tsx/esm/api';

register();
try {
  const { main } = await import('../collector/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2), process.env);
} catch (err) {
  process.stderr.write(`evaltrace: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
