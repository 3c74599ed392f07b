import { ConfigError } from './config.js';
import { startCollector } from './server.js';

/** CLI entry of the collector: `npm start`. Configuration comes from the environment (README). */
async function main(): Promise<void> {
  const collector = await startCollector();
  const mode = collector.store.kind === 'embedded' ? `embedded ClickHouse in ${process.env.EVALTRACE_DATA_DIR ?? './.evaltrace/data'}` : 'ClickHouse server';
  console.log(`[evaltrace] collector listening on ${collector.url} (${mode})`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[evaltrace] ${signal}: finishing in-flight requests`);
    collector.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('[evaltrace] shutdown failed:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(`[evaltrace] cannot start: ${err instanceof ConfigError ? err.message : String((err as Error)?.message ?? err)}`);
  process.exit(1);
});
