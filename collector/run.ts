import { ConfigError } from './config.js';
import { type RunningCollector, type StartOptions, startCollector } from './server.js';
import { log } from './logger.js';

/**
 * Starts the collector in the foreground, as `npm start` and `evaltrace serve`
 * do: one line saying where it listens, and a graceful stop on SIGTERM/SIGINT.
 * Resolves once it listens; a start that fails prints why and exits 1.
 */
export async function runCollector(options: StartOptions = {}): Promise<RunningCollector> {
  let collector: RunningCollector;
  try {
    collector = await startCollector(options);
  } catch (err) {
    log.error(`cannot start: ${err instanceof ConfigError ? err.message : String((err as Error)?.message ?? err)}`);
    process.exit(1);
  }
  const env = options.env ?? process.env;
  const mode = collector.store.kind === 'embedded' ? `embedded ClickHouse in ${options.dataDir ?? env.EVALTRACE_DATA_DIR ?? './.evaltrace/data'}` : 'ClickHouse server';
  const grpc = collector.grpcPort === null ? '' : `, OTLP/gRPC on port ${collector.grpcPort}`;
  log.info(`collector listening on ${collector.url}${grpc} (${mode}); dashboard at ${collector.url}/`);
  stopOnSignals(collector);
  return collector;
}

/** Finishes in-flight requests and exits on SIGTERM/SIGINT (exit 1 if the shutdown fails). */
export function stopOnSignals(collector: RunningCollector): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: finishing in-flight requests`);
    collector.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error('shutdown failed:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
