#!/usr/bin/env node
// The evaltrace CLI: the collector's compiled JavaScript (npm run build in a checkout; prepack builds the package).
try {
  const { main } = await import('../dist/collector/cli/main.js');
  process.exitCode = await main(process.argv.slice(2), process.env);
} catch (err) {
  process.stderr.write(`evaltrace: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
