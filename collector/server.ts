import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp, type App } from './app.js';
import { type Config, loadConfig } from './config.js';
import { type GrpcReceiver, startGrpcReceiver } from './grpc/receiver.js';
import { openStore } from './store/open.js';
import type { Store } from './store/types.js';
import { log } from './logger.js';

export interface RunningCollector {
  url: string;
  port: number;
  app: App;
  store: Store;
  /** The OTLP/gRPC port, null when gRPC ingest is off. */
  grpcPort: number | null;
  /** Stops accepting, finishes in-flight requests and pending commits, closes the store. */
  close(): Promise<void>;
}

export interface StartOptions extends Partial<Config> {
  /** Environment to read the rest of the configuration from (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
}

export async function startCollector(options: StartOptions = {}): Promise<RunningCollector> {
  const { env, ...overrides } = options;
  const config: Config = { ...loadConfig(env ?? process.env), ...overrides };
  const store = await openStore(config);
  const app = createApp(store, config);
  const server = serve({ fetch: app.hono.fetch, port: config.port, hostname: config.host });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  let grpc: GrpcReceiver | null;
  try {
    grpc = await startGrpc(app, config);
  } catch (err) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
    throw err;
  }
  await app.compactor.start();
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    port,
    app,
    store,
    grpcPort: grpc?.port ?? null,
    close() {
      closing ??= (async () => {
        await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), grpc?.close()]);
        await app.ingest.idle();
        await app.compactor.stop();
        await store.close();
      })();
      return closing;
    },
  };
}

/** The OTLP/gRPC receiver; on the default port, one already in use (another collector, an OTel Collector) only costs gRPC ingest, with a line saying so. */
async function startGrpc(app: App, config: Config): Promise<GrpcReceiver | null> {
  if (!config.grpc) return null;
  try {
    return await startGrpcReceiver({ ...app, apiKeys: config.apiKeys, host: config.host, port: config.grpc.port });
  } catch (err) {
    const why = `cannot listen on port ${config.grpc.port} (${(err as Error).message}); set EVALTRACE_GRPC_PORT to a free port, or off`;
    if (config.grpc.required) throw new Error(`OTLP/gRPC: ${why}`, { cause: err });
    log.warn(`OTLP/gRPC off: ${why}`);
    return null;
  }
}
